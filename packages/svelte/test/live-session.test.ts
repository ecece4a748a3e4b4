// The Svelte binding over core's real VoiceSession speaking GPT-Live, driven with the reference's
// event sequences through core's fake transport and audio port: turns from transcript fragments,
// model-owned barge-in, a delegated client tool, per-second usage and cost, and the controls a
// Live session cannot carry hidden by its capabilities.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushSync } from 'svelte';
import { render, screen } from '@testing-library/svelte';
import * as z from 'zod';
import { defineTool } from '@parley/core';
import type { Credentials, LiveServerEvent } from '@parley/core';
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
import { createVoiceSession } from '../src/index.js';
import type { SvelteVoiceSession } from '../src/index.js';
import LiveView from './components/LiveView.svelte';

const created: SvelteVoiceSession[] = [];
afterEach(() => {
  for (const voice of created.splice(0)) voice.destroy();
});

const liveCredentials = () =>
  Promise.resolve<Credentials>({ url: 'wss://emulator.test/v1/live/sessions', protocol: 'live' });

function liveKit(options: Parameters<typeof createTestSession>[0] = {}) {
  const kit = createTestSession({
    credentials: liveCredentials,
    liveSession: { model: 'gpt-live-1', instructions: 'Be brief.' },
    ...options,
  });
  const voice = createVoiceSession({ voiceSession: kit.session });
  created.push(voice);
  render(LiveView, { voice });
  return { ...kit, voice };
}

function serverEvents(sequence: LiveSequence): LiveServerEvent[] {
  return sequence.steps.flatMap((step) => (step.from === 'server' ? [step.event] : []));
}

async function flush(): Promise<void> {
  await settle();
  flushSync();
}

/** Connects; the Live runtime loads on the first connect, so wait for the socket. */
async function connectLive(kit: ReturnType<typeof liveKit>): Promise<void> {
  void kit.voice.connect();
  await vi.waitFor(() => {
    if (kit.transport.connections.length === 0) throw new Error('not open yet');
  });
  await flush();
}

const text = (id: string) => screen.getByTestId(id).textContent?.trim();
const turns = () => screen.queryAllByTestId('turn').map((element) => element.textContent);

describe('createVoiceSession with a GPT-Live session', () => {
  it('shows fragments as user and assistant turns, and closes the assistant turn after the track goes quiet', async () => {
    const kit = liveKit();
    await connectLive(kit);
    for (const event of serverEvents(startupAndExchange)) kit.transport.receive(event);
    await flush();
    expect(text('status')).toBe('connected / agent_speaking');
    expect(turns()).toEqual(['user:Please check my order', 'assistant: Sure, one moment.']);
    for (let index = 0; index < 80; index++)
      kit.transport.receive({ type: 'session.output_audio.delta', delta: silentOutputDelta });
    await flush();
    expect(text('status')).toBe('connected / listening');
  });

  it('marks the reply the user talked over as interrupted (model-owned barge-in), sending nothing', async () => {
    const kit = liveKit();
    await connectLive(kit);
    const events = serverEvents(bargeIn);
    kit.transport.receive(events[0]!);
    kit.transport.receive(events[1]!);
    for (let index = 0; index < 96; index++)
      kit.transport.receive({ type: 'session.output_audio.delta', delta: silentOutputDelta });
    kit.transport.receive(events[2]!);
    kit.audio.play([...kit.audio.enqueued.keys()][0]!, 24 * 8800);
    kit.transport.receive(events[3]!);
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
    await connectLive(kit);
    kit.transport.receive(serverEvents(startupAndExchange)[0]!);
    kit.transport.receive({
      type: 'session.usage.updated',
      event_id: 'u1',
      usage: { seconds: 12 },
      context_window: { usage_ratio: 0.01 },
    });
    await flush();
    // gpt-live-1: $0.05 per active minute; 12 s = $0.01.
    expect(text('meter')).toBe('12 s · $0.0100');
    kit.transport.receive({
      type: 'session.usage.updated',
      event_id: 'u2',
      usage: { seconds: 90 },
    });
    await flush();
    expect(text('meter')).toBe('90 s · $0.0750');
    kit.transport.receive(closedFor('close_requested', 93));
    await flush();
    expect(text('meter')).toBe('93 s · $0.0775');
  });

  it('offers only the controls the protocol carries: no push-to-talk, no reply on demand', async () => {
    const kit = liveKit();
    await connectLive(kit);
    kit.transport.receive(serverEvents(startupAndExchange)[0]!);
    await flush();
    expect(text('turn-taking')).toBe('model');
    expect(screen.queryByText('Hold to talk')).toBeNull();
    expect(screen.queryByText('Ask again')).toBeNull();
    expect(screen.getByText('Stop')).toBeTruthy();
    expect(kit.voice.capabilities).toMatchObject({ family: 'live', billing: 'seconds' });
  });

  it('the same view over a Realtime session offers push-to-talk and replies on demand', async () => {
    const kit = createTestSession();
    const voice = createVoiceSession({ voiceSession: kit.session });
    created.push(voice);
    render(LiveView, { voice });
    await kit.connect();
    await flush();
    expect(text('turn-taking')).toBe('client_or_server_vad');
    expect(screen.getByText('Hold to talk')).toBeTruthy();
    expect(screen.getByText('Ask again')).toBeTruthy();
  });

  it('runs a client tool for a Responses delegation and shows its card', async () => {
    const kit = liveKit({
      tools: [
        defineTool({
          name: 'get_order',
          description: 'Look up an order by id.',
          parameters: z.object({ order_id: z.string() }),
          execute: ({ order_id }) => ({ order_id, status: 'shipped' }),
        }),
      ],
    });
    await connectLive(kit);
    const events = serverEvents(responsesDelegation);
    const completedAt = events.findIndex(
      (event) => event.type === 'response.event' && event.event.type === 'response.completed',
    );
    kit.transport.receive({
      ...events[0]!,
      session: liveResponsesSessionResource,
    });
    for (const event of events.slice(1, completedAt + 1)) kit.transport.receive(event);
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

  it('appends context and forks the session through the binding', async () => {
    const kit = liveKit();
    await connectLive(kit);
    for (const event of serverEvents(startupAndExchange)) kit.transport.receive(event);
    await flush();
    kit.voice.appendContext('commentary', 'Staging is healthy.', { delegationId: 'item_1' });
    kit.voice.appendContext('thinking', 'The visitor is on the pricing page.');
    expect(kit.transport.sentOf('session.commentary.append')).toEqual([
      expect.objectContaining({ content: 'Staging is healthy.', delegation_id: 'item_1' }),
    ]);
    expect(kit.transport.sentOf('session.thinking.append')).toEqual([
      expect.objectContaining({
        content: 'The visitor is on the pricing page.',
        delegation_id: null,
      }),
    ]);
    const forked = kit.voice.fork({ store: false });
    await vi.waitFor(() => {
      if (kit.transport.connections.length < 2) throw new Error('no fork socket yet');
    });
    expect(kit.transport.connections[1]!.credentials.url).toMatch(/\/fork$/);
    expect(kit.transport.sentOf('session.start').at(-1)!.session).toEqual({ store: false });
    const resource = serverEvents(startupAndExchange).find(
      (event) => event.type === 'session.started',
    ) as Extract<LiveServerEvent, { type: 'session.started' }>;
    kit.transport.receive({
      type: 'session.started',
      event_id: 'e_fork',
      session: { ...resource.session, id: 'live_forked' },
    });
    await forked;
    await flush();
    expect(kit.voice.snapshot).toMatchObject({ status: 'connected', sessionId: 'live_forked' });
  });
});
