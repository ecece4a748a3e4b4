// Replays every recorded event stream through the machine and compares the conversation it shows
// with the transcript the recording itself carries (computed independently below).
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBetaDialect } from '../protocol/beta-loader.js';
import { createMachineHarness } from '../test-utils/index.js';
import { fixtureNames, loadFixture, type RecordedFixture } from '../test-utils/fixtures.js';

type Json = Record<string, unknown>;

const FINAL_TEXT_TYPES = new Set([
  'response.audio_transcript.done',
  'response.output_audio_transcript.done',
  'response.text.done',
  'response.output_text.done',
  'conversation.item.input_audio_transcription.completed',
]);
const DELTA_TYPES = new Set([
  'response.audio_transcript.delta',
  'response.output_audio_transcript.delta',
  'response.text.delta',
  'response.output_text.delta',
  'conversation.item.input_audio_transcription.delta',
]);

function contentText(item: Json): string | null {
  if (item.type === 'function_call')
    return typeof item.arguments === 'string' ? item.arguments : null;
  const texts = (Array.isArray(item.content) ? item.content : [])
    .filter((part): part is Json => typeof part === 'object' && part !== null)
    .map((part) => (typeof part.transcript === 'string' ? part.transcript : part.text))
    .filter((text): text is string => typeof text === 'string');
  const joined = texts.join('');
  return joined === '' ? null : joined;
}

/** The transcript as the recording shows it: each item's last final text, else its deltas. */
function recordedTranscript(fixture: RecordedFixture): { id: string; text: string }[] {
  const order: string[] = [];
  const finals = new Map<string, string>();
  const deltas = new Map<string, string>();
  const see = (id: string) => {
    if (!order.includes(id)) order.push(id);
  };
  for (const { event } of fixture.serverEvents) {
    const item = event.item as Json | undefined;
    if (item && typeof item.id === 'string' && item.type !== 'function_call_output') {
      see(item.id);
      const text = contentText(item);
      if (text !== null) finals.set(item.id, text);
    }
    const itemId = typeof event.item_id === 'string' ? event.item_id : null;
    if (itemId !== null && DELTA_TYPES.has(event.type)) {
      see(itemId);
      deltas.set(
        itemId,
        (deltas.get(itemId) ?? '') + (typeof event.delta === 'string' ? event.delta : ''),
      );
    }
    if (itemId !== null && FINAL_TEXT_TYPES.has(event.type)) {
      see(itemId);
      const text = typeof event.transcript === 'string' ? event.transcript : event.text;
      finals.set(itemId, typeof text === 'string' ? text : '');
    }
    if (itemId !== null && event.type === 'response.content_part.done') {
      const text = contentText({ content: [event.part] });
      if (text !== null) finals.set(itemId, text);
    }
    if (itemId !== null && event.type === 'response.function_call_arguments.done') {
      finals.set(itemId, String(event.arguments));
    }
    if (event.type === 'response.done') {
      const response = event.response as Json;
      for (const output of (response.output as Json[] | undefined) ?? []) {
        if (typeof output !== 'object' || typeof output.id !== 'string') continue;
        see(output.id);
        const text = contentText(output);
        if (text !== null) finals.set(output.id, text);
      }
    }
  }
  return order.map((id) => ({ id, text: finals.get(id) ?? deltas.get(id) ?? '' }));
}

function replay(fixture: RecordedFixture) {
  const machine = createMachineHarness({ config: { unhandledToolCalls: 'server' } });
  machine.connectAndOpen(fixture.dialect);
  for (const line of fixture.serverEvents) {
    machine.advance(10);
    machine.server(line.text);
  }
  return machine;
}

function shownTranscript(machine: ReturnType<typeof replay>) {
  return machine.snapshot.items.map((item) => ({
    id: item.id,
    text: item.type === 'message' ? item.text : 'arguments' in item ? item.arguments : '',
  }));
}

// The beta recordings need the beta dialect, which a session loads at connect.
beforeAll(() => loadBetaDialect());

describe('replaying recorded streams through the machine', () => {
  for (const name of fixtureNames()) {
    it(`shows the transcript the recording shows: ${name}`, () => {
      const fixture = loadFixture(name);
      const machine = replay(fixture);
      expect(shownTranscript(machine)).toEqual(recordedTranscript(fixture));
      expect(machine.snapshot.diagnostics.malformedEvents).toBe(0);
      // Every item appears once.
      const ids = machine.snapshot.items.map((item) => item.id);
      expect(new Set(ids).size).toBe(ids.length);
    });
  }

  it('ends the beta WebRTC session listening, with the interruption the server reported', () => {
    const machine = replay(loadFixture('beta-webrtc-session'));
    const snapshot = machine.snapshot;
    expect(snapshot.status).toBe('connected');
    expect(snapshot.turn).toBe('listening');
    expect(snapshot.sessionId).toMatch(/^sess_/);
    expect(snapshot.model).toBe('gpt-4o-realtime-preview-2024-12-17');
    const [hello, greeting, bye, reply] = snapshot.items;
    expect(hello).toMatchObject({ role: 'user', modality: 'text', text: 'Hello!' });
    expect(greeting).toMatchObject({
      role: 'assistant',
      modality: 'audio',
      status: 'completed',
      interrupted: true,
      audioEndMs: 1860,
    });
    expect(bye).toMatchObject({
      role: 'user',
      modality: 'audio',
      text: 'Bye.\n',
      streaming: false,
    });
    expect(reply).toMatchObject({ role: 'assistant', interrupted: false, streaming: false });
    // Usage from both response.done events, priced for the model of session.created.
    expect(snapshot.usage.responses).toBe(2);
    expect(snapshot.usage.total.outputAudioTokens).toBeGreaterThan(0);
    expect(snapshot.usage.costUsd).toBeGreaterThan(0);
    expect(snapshot.metrics.turnCount).toBe(2);
  });

  it('sends the configured session.update and waits for session.updated before a response.create', () => {
    const machine = createMachineHarness({ session: { instructions: 'Be brief.' } });
    machine.connectAndOpen();
    machine.dispatch({ type: 'send_text', text: 'Hi', itemId: 'item_local1', at: 0, wallAt: 0 });
    machine.server({ type: 'session.created', event_id: 'e1', session: { type: 'realtime' } });
    expect(machine.sent().map((event) => event.type)).toEqual([
      'session.update',
      'conversation.item.create',
    ]);
    expect(machine.sent('session.update')[0]).toMatchObject({
      session: { type: 'realtime', instructions: 'Be brief.' },
    });
    machine.server({ type: 'session.updated', event_id: 'e2', session: { type: 'realtime' } });
    expect(machine.sent('response.create')).toHaveLength(1);
    expect(machine.snapshot.turn).toBe('thinking');
  });

  it('turns the beta function-call recording into a completed call awaiting the relay', () => {
    const machine = replay(loadFixture('beta-webrtc-session-function-call'));
    const call = machine.snapshot.items.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({
      type: 'function_call',
      name: 'transferToSupervisor',
      callId: 'call_kmnUtkOoDYWLgJHP',
      executor: 'server',
      status: 'awaiting_server',
    });
    expect(JSON.parse(call?.type === 'function_call' ? call.arguments : '{}')).toBeTypeOf('object');
    expect(machine.snapshot.turn).toBe('thinking');
    // Eight responses were cut off by the user; their benign races never became errors.
    expect(machine.snapshot.error).toBeNull();
    expect(
      machine.snapshot.items.filter((item) => item.type === 'message' && item.interrupted).length,
    ).toBeGreaterThanOrEqual(5);
  });

  it('keeps at most maxItems items, dropping the oldest, with the index in step', () => {
    const machine = createMachineHarness({ config: { maxItems: 3 } });
    machine.connected();
    for (let index = 0; index < 5; index++) {
      machine.dispatch({
        type: 'send_text',
        text: `message ${index}`,
        itemId: `item_${index}`,
        at: 0,
        wallAt: 0,
      });
    }
    const items = machine.snapshot.items;
    expect(items.map((item) => item.id)).toEqual(['item_2', 'item_3', 'item_4']);
    expect([...machine.state.index]).toEqual([
      ['item_2', 0],
      ['item_3', 1],
      ['item_4', 2],
    ]);
  });
});
