// The binding over core's real VoiceSession, driven through core's shared fakes (transport,
// audio port, clock) and a real recorded GA event stream.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { flushSync } from 'svelte';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { createVoiceSession } from '../src/index.js';
import type { Credentials } from '@parley/core';
import { FakeAudioPort, FakeClock, FakeTransport, server } from '@parley/core/test-utils';
import type { CreateVoiceSessionOptions, SvelteVoiceSession } from '../src/index.js';
import Conversation from './components/Conversation.svelte';
import HeardView from './components/HeardView.svelte';
import KeyedConversation from './components/KeyedConversation.svelte';

// The team's recorded streams (shared/fixtures, beside the repository; see PROVENANCE.md there).
const fixturesDir = resolve(import.meta.dirname, '../../../../shared/fixtures');
function serverEvents(name: string): { text: string; type: string }[] {
  const lines = readFileSync(`${fixturesDir}/${name}.jsonl`, 'utf8').trim().split('\n');
  const directions = readFileSync(`${fixturesDir}/${name}.direction.jsonl`, 'utf8')
    .trim()
    .split('\n');
  return lines
    .filter(
      (_, index) =>
        (JSON.parse(directions[index] ?? '{}') as { direction?: string }).direction ===
        'server_to_client',
    )
    .map((text) => ({ text, type: (JSON.parse(text) as { type: string }).type }));
}
const recorded = serverEvents('ga-websocket-session');
const sessionCreated = recorded.find((line) => line.type === 'session.created')!.text;

function setup(extra: Partial<CreateVoiceSessionOptions> = {}) {
  const transport = new FakeTransport({ autoOpen: true });
  const audio = new FakeAudioPort();
  const clock = new FakeClock();
  let credentialRequests = 0;
  const options = {
    credentials: (): Promise<Credentials> => {
      credentialRequests += 1;
      return Promise.resolve({ url: 'ws://127.0.0.1:1/api/realtime', protocols: ['realtime'] });
    },
    transport,
    audio,
    clock,
    ...extra,
  } as CreateVoiceSessionOptions;
  return { transport, audio, clock, options, credentialRequests: () => credentialRequests };
}

/** Lets pending promise callbacks (credentials, connect steps) run; no timers involved. */
async function settle(rounds = 10) {
  for (let round = 0; round < rounds; round++) await Promise.resolve();
  flushSync();
}

/** Completes the handshake: the socket is open, the server says the session exists. */
async function handshake(transport: FakeTransport) {
  await settle();
  transport.receive(sessionCreated);
  await settle();
}

describe('with core VoiceSession', () => {
  it('creates one session and does not connect without autoConnect', async () => {
    const { transport, audio, options, credentialRequests } = setup();
    let created = 0;
    render(Conversation, { options, onCreate: () => (created += 1) });
    await settle();
    expect(created).toBe(1);
    expect(credentialRequests()).toBe(0);
    expect(transport.connections).toHaveLength(0);
    expect(audio.started).toBe(false);
    expect(screen.getByTestId('status').textContent).toBe('idle');
  });

  it('opens exactly one socket and one microphone with autoConnect', async () => {
    const { transport, audio, options } = setup({ autoConnect: true });
    render(Conversation, { options });
    await handshake(transport);
    expect(transport.connections).toHaveLength(1);
    expect(audio.started).toBe(true);
    expect(screen.getByTestId('status').textContent).toBe('connected');
  });

  it('opens one socket per click of "Start conversation" and closes it with "End conversation"', async () => {
    const { transport, audio, options } = setup();
    render(Conversation, { options });
    await fireEvent.click(screen.getByText('Start conversation'));
    await handshake(transport);
    expect(transport.connections).toHaveLength(1);
    expect(screen.getByTestId('status').textContent).toBe('connected');

    await fireEvent.click(screen.getByText('End conversation'));
    await settle();
    expect(transport.current.state).toBe('closed');
    expect(audio.started).toBe(false);
    expect(screen.getByTestId('status').textContent).not.toBe('connected');
  });

  it('disconnects the session it owns when destroyed, releasing socket and microphone', async () => {
    const { transport, audio, options } = setup({ autoConnect: true });
    const view = render(Conversation, { options });
    await handshake(transport);
    view.unmount();
    await settle();
    expect(transport.current.state).toBe('closed');
    expect(audio.started).toBe(false);
  });

  it('starts a fresh session when its key changes and closes the old one', async () => {
    const first = setup({ autoConnect: true });
    const second = setup({ autoConnect: true });
    const sessions: SvelteVoiceSession[] = [];
    let next = first;
    const view = render(KeyedConversation, {
      sessionKey: 'agent-a',
      makeOptions: () => next.options,
      onCreate: (voice: SvelteVoiceSession) => sessions.push(voice),
    });
    await handshake(first.transport);

    next = second;
    await view.rerender({ sessionKey: 'agent-b' });
    await handshake(second.transport);
    expect(sessions).toHaveLength(2);
    expect(sessions[0]!.session).not.toBe(sessions[1]!.session);
    expect(first.transport.current.state).toBe('closed');
    expect(second.transport.current.state).toBe('open');
    expect(screen.getByTestId('status').textContent).toBe('connected');
  });

  it('shows what was heard of a playing answer, then what a barge-in cut off', async () => {
    const { transport, audio, clock, options } = setup();
    const voice = createVoiceSession(options);
    try {
      render(HeardView, { voice });
      void voice.connect();
      await handshake(transport);
      transport.receive(server.responseCreated('resp_1'));
      transport.receive(server.assistantItem('resp_1', 'item_a1'));
      transport.receive(server.audioPart('resp_1', 'item_a1'));
      transport.receive(
        server.transcriptDelta('resp_1', 'item_a1', 'The weather in Paris is sunny today.'),
      );
      for (let chunk = 0; chunk < 10; chunk++)
        transport.receive(server.audioDelta('resp_1', 'item_a1', 4800)); // 2 s in all
      flushSync();
      const view = () => screen.getByTestId('heard-item_a1');
      expect(view().querySelector('.said')!.textContent).toBe('');

      audio.play('item_a1', 24_000); // 1 s played
      clock.advance(50);
      flushSync();
      expect(view().querySelector('.said')!.textContent).toBe('The weather in');
      expect(view().querySelector('.unheard:not(.cut)')!.textContent).toBe(
        ' Paris is sunny today.',
      );

      voice.interrupt();
      await settle();
      expect(view().querySelector('.said')!.textContent).toBe('The weather in');
      expect(view().querySelector('.cut')!.textContent).toBe(' Paris is sunny today.');
    } finally {
      voice.destroy();
    }
  });

  it('renders the transcript of a real recorded GA conversation as it streams', async () => {
    const { transport, options } = setup({ autoConnect: true });
    render(Conversation, { options });
    await handshake(transport);
    for (const line of recorded) {
      if (line.type === 'session.created') continue;
      transport.receive(line.text);
    }
    await settle();
    const assistant = screen.getAllByTestId('message-assistant');
    expect(assistant.length).toBeGreaterThan(0);
    expect(assistant.some((node) => (node.textContent ?? '').trim().length > 0)).toBe(true);
  });
});
