// The React binding over core's real VoiceSession speaking GPT-Live (the Live adapter and the
// machine's Live handlers), driven with the reference's event sequences through core's fake
// transport and audio port: turns from transcript fragments, a delegated tool, per-second usage
// and cost, and the controls a Live session cannot carry hidden by its capabilities.
import { cleanup, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import {
  bargeIn,
  closedFor,
  createTestSession,
  liveResponsesSessionResource,
  responsesDelegation,
  settle,
  silentOutputDelta,
  startupAndExchange,
  type LiveSequence,
} from '@parley/core/test-utils';
import type { Credentials, LiveServerEvent } from '@parley/core';
import { VoiceSessionProvider, useClientTool, useVoiceSession } from '../src/index.js';
import { actFrame, actFrameAsync } from '../src/test-utils/frames.js';

afterEach(cleanup);

const liveCredentials = () =>
  Promise.resolve<Credentials>({ url: 'wss://emulator.test/v1/live/sessions', protocol: 'live' });

function liveKit(options: Parameters<typeof createTestSession>[0] = {}) {
  return createTestSession({
    credentials: liveCredentials,
    liveSession: { model: 'gpt-live-1', instructions: 'Be brief.' },
    ...options,
  });
}

function serverEvents(sequence: LiveSequence): LiveServerEvent[] {
  return sequence.steps.flatMap((step) => (step.from === 'server' ? [step.event] : []));
}

async function flush(): Promise<void> {
  await actFrameAsync(async () => {
    await settle();
  });
}

/** Connects; the Live runtime loads on the first connect, so wait for the socket. */
async function connectLive(kit: ReturnType<typeof liveKit>): Promise<void> {
  void kit.session.connect();
  await vi.waitFor(() => {
    if (kit.transport.connections.length === 0) throw new Error('not open yet');
  });
  await flush();
}

/** A small app: status, turn, the transcript, tool cards, the meter, and the controls it offers. */
function App(): ReactNode {
  const { status, turn, items, usage, capabilities, startPushToTalk, interrupt } =
    useVoiceSession();
  return (
    <>
      <p data-testid="status">
        {status} / {turn}
      </p>
      <ol>
        {items.map((item) =>
          item.type === 'message' ? (
            <li key={item.id} data-testid="turn">
              {item.role}:{item.text}
              {item.interrupted ? ' (interrupted)' : ''}
            </li>
          ) : item.type !== 'function_call' ? null : (
            <li key={item.id} data-testid="tool">
              {item.name} {item.status} {item.output}
            </li>
          ),
        )}
      </ol>
      <p data-testid="meter">
        {usage.billing === 'seconds' ? `${usage.seconds ?? 0} s` : `${usage.responses} responses`}
        {' · '}
        {usage.costUsd === null ? 'unpriced' : `$${usage.costUsd.toFixed(4)}`}
      </p>
      {capabilities?.commitAudio && <button onClick={startPushToTalk}>Hold to talk</button>}
      {capabilities?.createResponse && <button>Ask again</button>}
      <button onClick={interrupt}>Stop</button>
      <p data-testid="turn-taking">{capabilities?.turnTaking ?? 'unknown'}</p>
    </>
  );
}

const citySchema = z.object({ order_id: z.string() });

function OrderTool(): null {
  useClientTool('get_order', citySchema, ({ order_id }) => ({ order_id, status: 'shipped' }), {
    description: 'Look up an order by id.',
  });
  return null;
}

const turns = () => screen.queryAllByTestId('turn').map((element) => element.textContent);

describe('useVoiceSession with a GPT-Live session', () => {
  it('shows fragments as user and assistant turns, and closes the assistant turn after the track goes quiet', async () => {
    const kit = liveKit();
    render(
      <VoiceSessionProvider session={kit.session}>
        <App />
      </VoiceSessionProvider>,
    );
    await connectLive(kit);
    const events = serverEvents(startupAndExchange);
    actFrame(() => {
      for (const event of events) kit.transport.receive(event);
    });
    await flush();
    expect(screen.getByTestId('status').textContent).toBe('connected / agent_speaking');
    expect(turns()).toEqual(['user:Please check my order', 'assistant: Sure, one moment.']);
    actFrame(() => {
      // Two seconds of output track without a fragment: the model's turn is over.
      for (let index = 0; index < 80; index++)
        kit.transport.receive({ type: 'session.output_audio.delta', delta: silentOutputDelta });
    });
    await flush();
    expect(screen.getByTestId('status').textContent).toBe('connected / listening');
  });

  it('marks the reply the user talked over as interrupted (model-owned barge-in), sending nothing', async () => {
    const kit = liveKit();
    render(
      <VoiceSessionProvider session={kit.session}>
        <App />
      </VoiceSessionProvider>,
    );
    await connectLive(kit);
    const events = serverEvents(bargeIn);
    actFrame(() => {
      kit.transport.receive(events[0]!);
      kit.transport.receive(events[1]!);
      for (let index = 0; index < 96; index++)
        kit.transport.receive({ type: 'session.output_audio.delta', delta: silentOutputDelta });
      kit.transport.receive(events[2]!);
    });
    const track = [...kit.audio.enqueued.keys()][0]!;
    kit.audio.play(track, 24 * 8800);
    actFrame(() => kit.transport.receive(events[3]!));
    await flush();
    expect(turns()).toEqual([
      'user:What about tomorrow?',
      'assistant: The forecast for tomorrow is (interrupted)',
      'user: wait, actually',
    ]);
    expect(kit.transport.sentTypes()).toEqual(['session.start']);
  });

  it('meters seconds and their cost from session.usage.updated, and keeps the figure after the close', async () => {
    const kit = liveKit();
    render(
      <VoiceSessionProvider session={kit.session}>
        <App />
      </VoiceSessionProvider>,
    );
    await connectLive(kit);
    actFrame(() => {
      kit.transport.receive(serverEvents(startupAndExchange)[0]!);
      kit.transport.receive({
        type: 'session.usage.updated',
        event_id: 'u1',
        usage: { seconds: 12 },
        context_window: { usage_ratio: 0.01 },
      });
    });
    await flush();
    // gpt-live-1: $0.05 per active minute; 12 s = $0.01.
    expect(screen.getByTestId('meter').textContent).toBe('12 s · $0.0100');
    actFrame(() => {
      kit.transport.receive({
        type: 'session.usage.updated',
        event_id: 'u2',
        usage: { seconds: 90 },
      });
    });
    await flush();
    expect(screen.getByTestId('meter').textContent).toBe('90 s · $0.0750');
    actFrame(() => kit.transport.receive(closedFor('close_requested', 93)));
    await flush();
    expect(screen.getByTestId('meter').textContent).toBe('93 s · $0.0775');
  });

  it('offers only the controls the protocol carries: no push-to-talk, no reply on demand', async () => {
    const kit = liveKit();
    render(
      <VoiceSessionProvider session={kit.session}>
        <App />
      </VoiceSessionProvider>,
    );
    await connectLive(kit);
    actFrame(() => kit.transport.receive(serverEvents(startupAndExchange)[0]!));
    await flush();
    expect(screen.getByTestId('turn-taking').textContent).toBe('model');
    expect(screen.queryByText('Hold to talk')).toBeNull();
    expect(screen.queryByText('Ask again')).toBeNull();
    expect(screen.getByText('Stop')).toBeTruthy();

    // The same app over a Realtime session offers both.
    const realtime = createTestSession();
    cleanup();
    render(
      <VoiceSessionProvider session={realtime.session}>
        <App />
      </VoiceSessionProvider>,
    );
    await actFrameAsync(() => realtime.connect());
    expect(screen.getByTestId('turn-taking').textContent).toBe('client_or_server_vad');
    expect(screen.getByText('Hold to talk')).toBeTruthy();
    expect(screen.getByText('Ask again')).toBeTruthy();
  });

  it('runs a client tool registered with useClientTool for a Responses delegation and shows its card', async () => {
    const kit = liveKit({
      liveSession: {
        model: 'gpt-live-1',
        instructions: 'Be brief.',
        delegation: { type: 'responses', responses: { model: 'gpt-5.6-luna' } },
      },
    });
    render(
      <VoiceSessionProvider session={kit.session}>
        <OrderTool />
        <App />
      </VoiceSessionProvider>,
    );
    await connectLive(kit);
    const events = serverEvents(responsesDelegation);
    const completedAt = events.findIndex(
      (event) => event.type === 'response.event' && event.event.type === 'response.completed',
    );
    actFrame(() => {
      kit.transport.receive({
        ...events[0]!,
        session: liveResponsesSessionResource,
      });
      for (const event of events.slice(1, completedAt + 1)) kit.transport.receive(event);
    });
    await flush();
    await flush();
    expect(screen.getAllByTestId('tool').map((element) => element.textContent)).toEqual([
      'get_order completed {"order_id":"A0042","status":"shipped"}',
    ]);
    expect(kit.transport.sentTypes().filter((type) => type.startsWith('response.'))).toEqual([
      'response.item.create',
      'response.create',
    ]);
  });
});
