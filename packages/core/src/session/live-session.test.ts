import { describe, expect, it, vi } from 'vitest';
import { isParleyError } from '../errors.js';
import { decodeLiveServerEvent, encodeLiveCommand } from '../protocol/adapters/live.js';
import { parseLiveServerEvent } from '../protocol/live/parse.js';
import type { LiveServerEvent } from '../protocol/live/server-events.js';
import { defineTool } from '../tools/define-tool.js';
import {
  bargeIn,
  clientDelegation,
  closedFor,
  liveResponsesSessionResource,
  liveSequences,
  liveSessionResource,
  responsesDelegation,
  silentOutputDelta,
  startupAndExchange,
  type LiveSequence,
} from '../test-utils/live-sequences.js';
import { createTestSession, settle } from '../test-utils/session-kit.js';
import type { Credentials } from '../ports.js';
import type { FunctionCallItem, MessageItem } from '../types.js';
import * as z from 'zod';

// GPT-Live through the adapter, the machine and a real VoiceSession on fake ports: the
// reference's sequences (live-protocol.md §6) in, the snapshot and the wire out.

const liveCredentials =
  (extra: Partial<Credentials> = {}) =>
  () =>
    Promise.resolve<Credentials>({
      url: 'wss://emulator.test/v1/live/sessions',
      protocol: 'live',
      ...extra,
    });

function liveSession(extra: Partial<Credentials> = {}, options = {}) {
  return createTestSession({
    credentials: liveCredentials(extra),
    liveSession: { model: 'gpt-live-1.1', instructions: 'Be brief.' },
    ...options,
  });
}

function serverEvents(sequence: LiveSequence): LiveServerEvent[] {
  return sequence.steps.flatMap((step) => (step.from === 'server' ? [step.event] : []));
}

/** Waits until the session opened its transport (the Live runtime loads on the first connect). */
async function opened(kit: { transport: { connections: unknown[] } }, count = 1): Promise<void> {
  await vi.waitFor(() => {
    if (kit.transport.connections.length < count) throw new Error('not open yet');
  });
  await settle();
}

const messages = (items: readonly unknown[]) =>
  items.filter((item): item is MessageItem => (item as MessageItem).type === 'message');

describe('the Live adapter', () => {
  it('reads every server event of the reference sequences as neutral events', () => {
    for (const sequence of liveSequences) {
      for (const event of serverEvents(sequence)) {
        const parsed = parseLiveServerEvent(JSON.stringify(event));
        if (!parsed.success) throw parsed.error;
        expect(decodeLiveServerEvent(parsed.event).length, event.type).toBe(1);
      }
    }
  });

  it('turns only the completed function_call of a Responses delegation into a tool call', () => {
    const calls = serverEvents(responsesDelegation)
      .flatMap((event) => decodeLiveServerEvent(event))
      .filter((event) => event.kind === 'tool_call');
    expect(calls).toEqual([
      expect.objectContaining({
        kind: 'tool_call',
        callId: 'call_ydaLTWADFkH6AtEXUxsfdltF',
        name: 'get_order',
        arguments: '{"order_id":"A0042"}',
        delegationId: 'item_ENQCUyla2TB9mFPFUmDHi',
      }),
    ]);
  });

  it('writes commands as the Live client events of the reference', () => {
    expect(encodeLiveCommand({ kind: 'tool_output', callId: 'c1', output: '{}' })).toEqual([
      {
        type: 'response.item.create',
        item: { type: 'function_call_output', call_id: 'c1', output: '{}' },
      },
    ]);
    expect(
      encodeLiveCommand({ kind: 'user_text', text: 'Order A0042' }).map((e) => e.type),
    ).toEqual(['response.item.create', 'response.create']);
    expect(encodeLiveCommand({ kind: 'mute', muted: true })).toEqual([
      { type: 'session.input_audio.mute' },
    ]);
    expect(
      encodeLiveCommand({
        kind: 'append_context',
        channel: 'commentary',
        content: 'x',
        delegationId: 'd',
      }),
    ).toEqual([{ type: 'session.commentary.append', content: 'x', delegation_id: 'd' }]);
  });

  it('an unknown Live event is no neutral event, and the session counts it and carries on', async () => {
    expect(decodeLiveServerEvent({ type: 'session.paused', unknown: true, raw: {} })).toEqual([]);
    const kit = liveSession();
    void kit.session.connect();
    await opened(kit);
    kit.transport.receive({
      type: 'session.started',
      event_id: 'e0',
      session: liveSessionResource,
    });
    kit.transport.receive({ type: 'session.paused', event_id: 'e1' });
    kit.transport.receive({
      type: 'session.input_transcript.delta',
      event_id: 'e2',
      delta: 'Hi',
      start_ms: 0,
      end_ms: 300,
      novel: { x: 1 },
    });
    const snapshot = kit.session.getSnapshot();
    expect(snapshot.diagnostics.unknownEvents).toBe(1);
    expect(messages(snapshot.items).map((item) => item.text)).toEqual(['Hi']);
  });
});

describe('a Live VoiceSession', () => {
  it('starts the session with session.start, then connects with Live capabilities', async () => {
    const kit = liveSession();
    const connected = kit.session.connect();
    await opened(kit);
    const start = kit.transport.sentOf('session.start');
    expect(start).toHaveLength(1);
    expect(start[0]!).toMatchObject({
      session: { model: 'gpt-live-1.1', instructions: 'Be brief.' },
    });
    expect(kit.session.getSnapshot().status).toBe('connecting');
    kit.transport.receive(serverEvents(startupAndExchange)[0]!);
    await connected;
    const snapshot = kit.session.getSnapshot();
    expect(snapshot.status).toBe('connected');
    expect(snapshot.sessionId).toBe(liveSessionResource.id);
    expect(snapshot.capabilities).toMatchObject({
      family: 'live',
      turnTaking: 'model',
      billing: 'seconds',
      cancelResponse: false,
    });
  });

  it('the relay (managed session) starts the session itself: nothing is sent before session.started', async () => {
    const kit = liveSession({ managedSession: true });
    void kit.session.connect();
    await opened(kit);
    expect(kit.transport.sentOf('session.start')).toHaveLength(0);
  });

  it('streams microphone audio as session.input_audio.append, silence while muted, mute acknowledged', async () => {
    const kit = liveSession();
    void kit.session.connect();
    await opened(kit);
    kit.transport.receive(serverEvents(startupAndExchange)[0]!);
    kit.audio.emitFrame(new Int16Array([1000, -1000]));
    kit.session.mute(true);
    expect(kit.audio.inputMuted).toBe(false);
    kit.audio.emitFrame(new Int16Array([1000, -1000]));
    const appends = kit.transport.sentOf('session.input_audio.append');
    expect(appends).toHaveLength(2);
    expect(appends[0]!.audio).toBe(
      Buffer.from(new Int16Array([1000, -1000]).buffer).toString('base64'),
    );
    expect(appends[1]!.audio).toBe(Buffer.from(new Int16Array(2).buffer).toString('base64'));
    expect(kit.transport.sentOf('session.input_audio.mute')).toHaveLength(1);
    expect(kit.session.getSnapshot().muted).toBe(true);
  });

  it('assembles fragments into user and assistant turns with the leading spaces kept', async () => {
    const kit = liveSession();
    void kit.session.connect();
    await opened(kit);
    for (const event of serverEvents(startupAndExchange)) kit.transport.receive(event);
    const items = messages(kit.session.getSnapshot().items);
    expect(items.map((item) => [item.role, item.text])).toEqual([
      ['user', 'Please check my order'],
      ['assistant', ' Sure, one moment.'],
    ]);
    expect(items[0]!.status).toBe('completed');
    expect(items[1]!).toMatchObject({ status: 'in_progress', streaming: true, modality: 'audio' });
    expect(kit.session.getSnapshot().turn).toBe('agent_speaking');
    // Two seconds of timeline with no fragment: the assistant turn closes.
    for (let index = 0; index < 80; index++) {
      kit.transport.receive({ type: 'session.output_audio.delta', delta: silentOutputDelta });
    }
    const closed = messages(kit.session.getSnapshot().items)[1]!;
    expect(closed).toMatchObject({ status: 'completed', streaming: false });
    expect(kit.session.getSnapshot().turn).toBe('listening');
  });

  it('splits a streaming assistant turn at the playhead of the output track', async () => {
    const kit = liveSession();
    void kit.session.connect();
    await opened(kit);
    kit.transport.receive(serverEvents(startupAndExchange)[0]!);
    // 5 s of track before the reply starts at 5000 ms on the timeline.
    for (let index = 0; index < 50; index++) {
      kit.transport.receive({ type: 'session.output_audio.delta', delta: silentOutputDelta });
    }
    kit.transport.receive({
      type: 'session.output_transcript.delta',
      event_id: 'o1',
      delta: ' The weather in Paris',
      start_ms: 5000,
      end_ms: 6000,
    });
    kit.transport.receive({
      type: 'session.output_transcript.delta',
      event_id: 'o2',
      delta: ' is sunny today.',
      start_ms: 6000,
      end_ms: 7000,
    });
    const item = messages(kit.session.getSnapshot().items)[0]!;
    const track = [...kit.audio.enqueued.keys()][0]!;
    kit.audio.play(track, 24 * 6000);
    const playhead = kit.session.playhead(item.id);
    expect(playhead).toMatchObject({ heardMs: 1000, receivedMs: 2000, playing: true });
  });

  it('model-owned barge-in: a user fragment over a playing reply flushes and marks it interrupted at what was heard', async () => {
    const kit = liveSession();
    void kit.session.connect();
    await opened(kit);
    const events = serverEvents(bargeIn);
    kit.transport.receive(events[0]!);
    kit.transport.receive(events[1]!); // the user's question
    for (let index = 0; index < 96; index++) {
      kit.transport.receive({ type: 'session.output_audio.delta', delta: silentOutputDelta });
    }
    kit.transport.receive(events[2]!); // " The forecast for tomorrow is" [8000, 9600)
    const track = [...kit.audio.enqueued.keys()][0]!;
    kit.audio.play(track, 24 * 8800); // 800 ms of the reply heard
    kit.transport.receive(events[3]!); // " wait, actually" over it
    await settle();
    expect(kit.audio.flushCount).toBe(1);
    const [question, reply, interjection] = messages(kit.session.getSnapshot().items);
    expect(question!.text).toBe('What about tomorrow?');
    expect(reply).toMatchObject({
      role: 'assistant',
      interrupted: true,
      audioEndMs: 800,
      status: 'completed',
    });
    expect(reply!.heardText).toBe(' The forecast');
    expect(interjection).toMatchObject({ role: 'user', text: ' wait, actually' });
    // Nothing is sent to stop the model: it owns the turn.
    expect(kit.transport.sentTypes()).toEqual(['session.start']);
    kit.transport.receive(events[4]!);
    kit.transport.receive(events[5]!);
    expect(messages(kit.session.getSnapshot().items).at(-1)!.text).toBe(' Okay, go ahead.');
  });

  it('Responses delegation: the tool runs once with validated arguments, one output per call, then one response.create', async () => {
    const calls: unknown[] = [];
    const kit = createTestSession({
      credentials: liveCredentials(),
      liveSession: { model: 'gpt-live-1.1' },
      tools: [
        defineTool({
          name: 'get_order',
          parameters: z.object({ order_id: z.string() }),
          execute: (args) => {
            calls.push(args);
            return { status: 'shipped' };
          },
        }),
      ],
    });
    void kit.session.connect();
    await opened(kit);
    const events = serverEvents(responsesDelegation);
    kit.transport.receive({
      ...events[0]!,
      session: liveResponsesSessionResource,
    });
    for (const event of events.slice(1)) {
      kit.transport.receive(event);
      // The duplicate a sideband replay would deliver: never a second run.
      if (event.type === 'response.event' && event.event.type === 'response.output_item.done') {
        kit.transport.receive(event);
      }
      await settle();
    }
    expect(calls).toEqual([{ order_id: 'A0042' }]);
    const sent = kit.transport.sentTypes();
    expect(sent).toEqual(['session.start', 'response.item.create', 'response.create']);
    expect(kit.transport.sentOf('response.item.create')[0]!.item).toEqual({
      type: 'function_call_output',
      call_id: 'call_ydaLTWADFkH6AtEXUxsfdltF',
      output: '{"status":"shipped"}',
    });
    const card = kit.session
      .getSnapshot()
      .items.find((item) => item.type === 'function_call') as FunctionCallItem;
    expect(card).toMatchObject({
      name: 'get_order',
      status: 'completed',
      executor: 'client',
      arguments: '{"order_id":"A0042"}',
    });
  });

  it('invalid arguments get an honest error output, and the backend still continues', async () => {
    const kit = createTestSession({
      credentials: liveCredentials(),
      liveSession: { model: 'gpt-live-1.1' },
      tools: [
        defineTool({
          name: 'get_order',
          parameters: z.object({ order_id: z.number() }),
          execute: () => 'never',
        }),
      ],
    });
    void kit.session.connect();
    await opened(kit);
    for (const event of serverEvents(responsesDelegation)) {
      kit.transport.receive(event);
      await settle();
    }
    const output = kit.transport.sentOf('response.item.create')[0]!.item as { output: string };
    expect(output.output).toContain('invalid_arguments');
    expect(kit.transport.sentOf('response.create')).toHaveLength(1);
  });

  it('a call for a tool nobody runs gets an unknown_tool output, not silence; the relay runs them when it says so', async () => {
    const kit = liveSession();
    void kit.session.connect();
    await opened(kit);
    for (const event of serverEvents(responsesDelegation)) kit.transport.receive(event);
    const output = kit.transport.sentOf('response.item.create')[0]!.item as { output: string };
    expect(output.output).toContain('unknown_tool');

    const relayed = liveSession({ managedSession: true, serverRunsTools: true });
    void relayed.session.connect();
    await opened(relayed);
    for (const event of serverEvents(responsesDelegation)) relayed.transport.receive(event);
    const card = relayed.session.getSnapshot().items.find((item) => item.type === 'function_call');
    expect(card).toMatchObject({ status: 'awaiting_server', executor: 'server' });
    expect(relayed.transport.sentTypes()).toEqual([]);
  });

  it("a call the relay ran shows the relay's output (parley.tool_output), and the browser sends nothing for it", async () => {
    const relayed = liveSession({ managedSession: true, serverRunsTools: true });
    void relayed.session.connect();
    await opened(relayed);
    for (const event of serverEvents(responsesDelegation)) relayed.transport.receive(event);
    const call = relayed.session
      .getSnapshot()
      .items.find((item): item is FunctionCallItem => item.type === 'function_call')!;
    relayed.transport.receive({
      type: 'parley.tool_output',
      call_id: call.callId,
      output: '{"status":"shipped"}',
    });
    await settle();
    const card = relayed.session.getSnapshot().items.find((item) => item.id === call.id);
    expect(card).toMatchObject({ status: 'completed', output: '{"status":"shipped"}' });
    // A malformed relay event changes nothing.
    relayed.transport.receive({
      type: 'parley.tool_output',
      call_id: 42,
    });
    await settle();
    expect(relayed.session.getSnapshot().items.find((item) => item.id === call.id)).toMatchObject({
      status: 'completed',
    });
    expect(relayed.transport.sentTypes()).toEqual([]);
  });

  it('typed text: a backend user message under Responses delegation, silent context under client delegation', async () => {
    const responses = liveSession();
    void responses.session.connect();
    await opened(responses);
    responses.transport.receive({
      type: 'session.started',
      event_id: 'e',
      session: liveResponsesSessionResource,
    });
    responses.session.sendText('Order A0042');
    expect(responses.transport.sentTypes()).toEqual([
      'session.start',
      'response.item.create',
      'response.create',
    ]);

    const client = liveSession();
    void client.session.connect();
    await opened(client);
    client.transport.receive(serverEvents(clientDelegation)[0]!);
    client.session.sendText('Is staging healthy?');
    const thinking = client.transport.sentOf('session.thinking.append');
    expect(thinking[0]!).toMatchObject({
      delegation_id: null,
      content: 'The user typed: Is staging healthy?',
    });
    expect(
      messages(client.session.getSnapshot().items).map((item) => [item.role, item.text]),
    ).toEqual([['user', 'Is staging healthy?']]);
  });

  it('commands Live cannot carry reject with a typed error; interrupt() does the nearest thing', async () => {
    const kit = liveSession();
    void kit.session.connect();
    await opened(kit);
    kit.transport.receive(serverEvents(startupAndExchange)[0]!);
    for (const command of [
      () => kit.session.commitAudio(),
      () => kit.session.startPushToTalk(),
      () => kit.session.updateSession({ instructions: 'x' }),
    ]) {
      try {
        command();
        expect.fail('expected a rejection');
      } catch (error) {
        expect(isParleyError(error) && error.reason).toBe('unsupported');
        expect(isParleyError(error) && error.message).toContain('is not supported by live');
      }
    }
    kit.transport.receive({
      type: 'session.output_transcript.delta',
      event_id: 'o',
      delta: ' Hello there',
      start_ms: 0,
      end_ms: 900,
    });
    kit.session.interrupt();
    await settle();
    expect(kit.audio.flushCount).toBe(1);
    expect(kit.transport.sentOf('session.instructions.append')[0]!).toMatchObject({
      delegation_id: null,
    });
    expect(messages(kit.session.getSnapshot().items)[0]!.interrupted).toBe(true);
  });

  it('per-second usage and cost; session.closed reasons as the user sees them', async () => {
    const kit = liveSession();
    void kit.session.connect();
    await opened(kit);
    kit.transport.receive(serverEvents(startupAndExchange)[0]!);
    kit.transport.receive({
      type: 'session.usage.updated',
      event_id: 'u1',
      usage: { seconds: 12 },
      context_window: { usage_ratio: 0.01 },
    });
    kit.transport.receive({
      type: 'session.usage.updated',
      event_id: 'u2',
      usage: { seconds: 90 },
    });
    const usage = kit.session.getSnapshot().usage;
    expect(usage).toMatchObject({
      billing: 'seconds',
      seconds: 90,
      contextUsageRatio: 0.01,
      model: 'gpt-live-1',
    });
    expect(usage.costUsd).toBeCloseTo(0.075, 10);

    const warnings: string[] = [];
    kit.session.on('warning', (warning) => warnings.push(warning.code));
    kit.transport.receive(closedFor('content', 95));
    expect(kit.session.getSnapshot().error).toMatchObject({ reason: 'server', code: 'content' });
    kit.transport.drop(1005, '');
    await settle();
    expect(kit.session.getSnapshot().status).toBe('closed');
    expect(kit.session.getSnapshot().usage.seconds).toBe(95);
  });

  it('reconnects after expired with a fresh session.start carrying the conversation as input', async () => {
    const kit = liveSession();
    void kit.session.connect();
    await opened(kit);
    for (const event of serverEvents(startupAndExchange)) kit.transport.receive(event);
    kit.transport.receive(closedFor('expired', 60));
    kit.transport.drop(1000, '');
    await settle();
    expect(kit.session.getSnapshot().status).toBe('reconnecting');
    kit.clock.advance(60_000);
    await opened(kit, 2);
    const starts = kit.transport.sentOf('session.start');
    expect(starts).toHaveLength(1);
    expect(starts[0]!).toMatchObject({
      session: {
        model: 'gpt-live-1.1',
        input: [
          { role: 'user', content: [{ type: 'input_text', text: 'Please check my order' }] },
          { role: 'assistant', content: [{ type: 'output_text', text: ' Sure, one moment.' }] },
        ],
      },
    });
    kit.transport.receive({
      type: 'session.started',
      event_id: 'e9',
      session: { ...liveSessionResource, id: 'live_u7_second' },
    });
    const snapshot = kit.session.getSnapshot();
    expect(snapshot.status).toBe('connected');
    expect(snapshot.diagnostics.reconnects).toBe(1);
    expect(messages(snapshot.items)).toHaveLength(2);
    // Seconds carry over: the meter counts both sessions.
    kit.transport.receive({
      type: 'session.usage.updated',
      event_id: 'u3',
      usage: { seconds: 15 },
    });
    expect(kit.session.getSnapshot().usage.seconds).toBe(75);
  });

  it('disconnect() sends session.close first', async () => {
    const kit = liveSession();
    void kit.session.connect();
    await opened(kit);
    kit.transport.receive(serverEvents(startupAndExchange)[0]!);
    await kit.session.disconnect();
    expect(kit.transport.sentTypes()).toEqual(['session.start', 'session.close']);
  });
});
