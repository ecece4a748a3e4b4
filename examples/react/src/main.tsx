// The React README's example, as it is there (examples/readme-sync.test.ts keeps them equal).
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createVoiceSession, parleyServerCredentials } from '@parley/core';
import { createAudioPort } from '@parley/audio-worklets';
import type { MessageItem } from '@parley/core';
import {
  VoiceSessionProvider,
  useAudioLevels,
  useClientTool,
  useHeardSplit,
  useVoiceSession,
} from '@parley/react';

const colorSchema = {
  type: 'object',
  properties: { color: { type: 'string', description: 'A CSS color' } },
  required: ['color'],
} as const;

// The agent's words not heard yet are dimmed; those an interruption cut off are struck through.
function Message({ item }: { item: MessageItem }) {
  const { heard, unheard, cut } = useHeardSplit(item);
  return (
    <li>
      {item.role}: {heard}
      <span style={{ opacity: 0.5, textDecoration: cut ? 'line-through' : 'none' }}>{unheard}</span>
    </li>
  );
}

function Conversation() {
  const { status, turn, transport, items, usage, error, connect, disconnect, mute, muted } =
    useVoiceSession();
  const { input, output } = useAudioLevels();
  useClientTool(
    'set_accent_color',
    colorSchema,
    ({ color }: { color: string }) => {
      document.body.style.accentColor = color;
      return { ok: true };
    },
    { description: 'Changes the accent color of the page.' },
  );

  const live = status === 'connecting' || status === 'connected' || status === 'reconnecting';
  return (
    <main>
      {/* connect() rejects when the session fails; `error` below shows why. */}
      <button onClick={() => void (live ? disconnect() : connect().catch(() => undefined))}>
        {live ? 'End conversation' : 'Start conversation'}
      </button>
      <button aria-pressed={muted} onClick={() => mute(!muted)}>
        Mute
      </button>
      <p role="status">
        {status} · {turn}
        {transport ? ` · ${transport}` : ''}
      </p>
      {error ? <p role="alert">{error.message}</p> : null}
      <meter aria-label="You" min={0} max={1} value={input.rms} />
      <meter aria-label="Agent" min={0} max={1} value={output.rms} />
      <ol role="log" aria-label="Transcript">
        {items.map((item) =>
          item.type === 'message' ? (
            <Message key={item.id} item={item} />
          ) : item.type === 'function_call' ? (
            <li key={item.id}>
              tool {item.name}({item.arguments}) → {item.output}
            </li>
          ) : null,
        )}
      </ol>
      <p>
        Cost so far: {usage.costUsd === null ? 'not known yet' : `$${usage.costUsd.toFixed(4)}`}
      </p>
    </main>
  );
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <VoiceSessionProvider
      create={() =>
        createVoiceSession({
          // An agent id or slug from the server's `GET /api/agents` (the seeded templates include 'real-estate').
          credentials: parleyServerCredentials({
            baseUrl: location.origin,
            agentId: 'real-estate',
          }),
          // No `transport`: WebRTC where the browser has it, else WebSocket ('websocket' forces it).
          audio: createAudioPort(),
        })
      }
    >
      <Conversation />
    </VoiceSessionProvider>
  </StrictMode>,
);
