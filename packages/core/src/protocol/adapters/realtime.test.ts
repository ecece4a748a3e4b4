// The Realtime adapter, both ways. Wire → neutral: the canonical GA sequences of the protocol reference
// (shared/reference/realtime-protocol.md §4.6, §8.1) decode into the neutral kinds the machine's
// handlers are keyed by; every recorded stream decodes without an `unknown`; and, whatever a later
// API adds (event types, fields), the decoder answers and never throws. Neutral → wire: the
// machine's commands become the client events of the reference's wire examples (§8.1).
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixtureNames, loadFixture } from '../../test-utils/fixtures.js';
import { loadBetaDialect } from '../beta-loader.js';
import { parseServerEvent } from '../parse.js';
import { serverEventSchemas } from '../server-events.js';
import type { RealtimeNeutralEvent } from './neutral.js';
import { encodeLiveCommand } from './live.js';
import {
  decodeRealtimeServerEvent,
  encodeRealtimeCommand,
  RESUME_ITEM_PREFIX,
} from './realtime.js';

/** Parses a GA frame (as the session does) and decodes it. */
function decode(event: Record<string, unknown>): RealtimeNeutralEvent {
  const parsed = parseServerEvent(JSON.stringify(event));
  if (!parsed.success) throw new Error(parsed.error.message);
  return decodeRealtimeServerEvent(parsed.event);
}

const user = {
  id: 'item_U',
  type: 'message',
  status: 'completed',
  role: 'user',
  content: [{ type: 'input_audio', transcript: null }],
};
const assistant = { id: 'item_A', type: 'message', status: 'in_progress', role: 'assistant' };
const ref = { response_id: 'resp_R', item_id: 'item_A', output_index: 0, content_index: 0 };

describe('decodeRealtimeServerEvent', () => {
  it('turns the spoken turn of §4.6 into items inside a response', () => {
    const sequence = [
      { type: 'input_audio_buffer.speech_started', audio_start_ms: 11956, item_id: 'item_U' },
      { type: 'input_audio_buffer.speech_stopped', audio_end_ms: 14720, item_id: 'item_U' },
      { type: 'input_audio_buffer.committed', previous_item_id: null, item_id: 'item_U' },
      { type: 'conversation.item.added', previous_item_id: null, item: user },
      { type: 'conversation.item.done', previous_item_id: null, item: user },
      { type: 'response.created', response: { id: 'resp_R', status: 'in_progress', output: [] } },
      {
        type: 'response.output_item.added',
        response_id: 'resp_R',
        output_index: 0,
        item: { ...assistant, content: [] },
      },
      { type: 'conversation.item.added', previous_item_id: 'item_U', item: assistant },
      { type: 'response.content_part.added', ...ref, part: { type: 'audio', transcript: '' } },
      { type: 'response.output_audio_transcript.delta', ...ref, delta: 'The' },
      { type: 'response.output_audio.delta', ...ref, delta: 'AAAA' },
      { type: 'response.output_audio.done', ...ref },
      { type: 'response.output_audio_transcript.done', ...ref, transcript: 'The end.' },
      {
        type: 'response.content_part.done',
        ...ref,
        part: { type: 'audio', transcript: 'The end.' },
      },
      {
        type: 'response.output_item.done',
        response_id: 'resp_R',
        output_index: 0,
        item: { ...assistant, status: 'completed' },
      },
      {
        type: 'response.done',
        response: {
          id: 'resp_R',
          status: 'completed',
          output: [{ ...assistant, status: 'completed' }],
          usage: { total_tokens: 12, input_tokens: 8, output_tokens: 4 },
        },
      },
      { type: 'rate_limits.updated', rate_limits: [{ name: 'tokens', limit: 1, remaining: 1 }] },
    ];
    const decoded = sequence.map((event) => decode(event));
    expect(decoded.map((event) => event.kind)).toEqual([
      'speech_started',
      'speech_stopped',
      'ignored',
      'item',
      'item',
      'response_started',
      'item',
      'item',
      'output_modality',
      'text_delta',
      'audio_delta',
      'audio_done',
      'text_done',
      'text_done',
      'item',
      'response_done',
      'ignored',
    ]);
    expect(decoded[4]).toMatchObject({ final: true, responseId: null, positioned: true });
    expect(decoded[6]).toMatchObject({ final: false, responseId: 'resp_R', positioned: false });
    expect(decoded[7]).toMatchObject({ previousItemId: 'item_U', positioned: true });
    expect(decoded[8]).toEqual({
      kind: 'output_modality',
      itemId: 'item_A',
      responseId: 'resp_R',
      modality: 'audio',
    });
    expect(decoded[9]).toEqual({
      kind: 'text_delta',
      speaker: 'assistant',
      itemId: 'item_A',
      responseId: 'resp_R',
      delta: 'The',
      modality: 'audio',
    });
    expect(decoded[10]).toEqual({
      kind: 'audio_delta',
      itemId: 'item_A',
      responseId: 'resp_R',
      audio: 'AAAA',
    });
    expect(decoded[14]).toMatchObject({ kind: 'item', final: true, responseId: 'resp_R' });
    expect(decoded[15]).toMatchObject({
      kind: 'response_done',
      id: 'resp_R',
      outOfBand: false,
      status: 'completed',
      usage: { total_tokens: 12 },
    });
  });

  it('ignores the echoes of the items a Parley server replayed into a resumed session', () => {
    const replayed = {
      id: `${RESUME_ITEM_PREFIX}3`,
      type: 'message',
      status: 'completed',
      role: 'user',
      content: [{ type: 'input_text', text: 'Where is the station?' }],
    };
    for (const type of ['conversation.item.added', 'conversation.item.done']) {
      expect(decode({ type, event_id: 'e1', previous_item_id: null, item: replayed })).toEqual({
        kind: 'ignored',
        type,
      });
    }
    // Only the prefix is the server's: an item of the conversation's own is an item.
    const own = { ...replayed, id: 'item_parley' };
    expect(
      decode({
        type: 'conversation.item.added',
        event_id: 'e2',
        previous_item_id: null,
        item: own,
      }),
    ).toMatchObject({ kind: 'item', item: { id: 'item_parley' } });
  });

  it('carries the client event an error answers, as the shared error kind (§8.1)', () => {
    expect(
      decode({
        type: 'error',
        event_id: 'event_1',
        error: {
          type: 'invalid_request_error',
          code: 'response_cancel_not_active',
          message: 'Cancellation failed: no active response found',
          param: null,
          event_id: 'evt_9',
        },
      }),
    ).toEqual({
      kind: 'error',
      code: 'response_cancel_not_active',
      message: 'Cancellation failed: no active response found',
      param: null,
      commandId: 'evt_9',
    });
  });

  it('starts a session with its id, model and configuration as the wire gave it', () => {
    const session = { type: 'realtime', id: 'sess_1', model: 'gpt-realtime', expires_at: 5 };
    expect(decode({ type: 'session.created', session })).toEqual({
      kind: 'session_started',
      sessionId: 'sess_1',
      model: 'gpt-realtime',
      config: session,
    });
    expect(decode({ type: 'session.updated', session })).toEqual({
      kind: 'session_updated',
      config: session,
    });
  });

  it('reads a function call’s arguments as one stream, its name on done', () => {
    const call = { response_id: 'resp_R', item_id: 'item_F', output_index: 0, call_id: 'call_1' };
    expect(
      decode({ type: 'response.function_call_arguments.delta', ...call, delta: '{"a' }),
    ).toEqual({
      kind: 'arguments',
      itemId: 'item_F',
      callId: 'call_1',
      responseId: 'resp_R',
      text: '{"a',
      done: false,
      name: null,
    });
    expect(
      decode({
        type: 'response.function_call_arguments.done',
        ...call,
        arguments: '{"a":1}',
        name: 'lookup',
      }),
    ).toMatchObject({ text: '{"a":1}', done: true, name: 'lookup' });
  });

  it('reads the MCP flow of §4.6 into its own kinds', () => {
    const mcp = { item_id: 'item_M', output_index: 0 };
    expect(
      [
        { type: 'mcp_list_tools.in_progress', item_id: 'item_L' },
        { type: 'mcp_list_tools.failed', item_id: 'item_L' },
        { type: 'response.mcp_call_arguments.delta', ...mcp, response_id: 'resp_R', delta: '{' },
        {
          type: 'response.mcp_call_arguments.done',
          ...mcp,
          response_id: 'resp_R',
          arguments: '{}',
        },
        { type: 'response.mcp_call.in_progress', ...mcp },
        { type: 'response.mcp_call.completed', ...mcp },
      ].map((event) => decode(event)),
    ).toEqual([
      { kind: 'mcp_listing', itemId: 'item_L', status: 'in_progress' },
      { kind: 'mcp_listing', itemId: 'item_L', status: 'failed' },
      { kind: 'mcp_arguments', itemId: 'item_M', responseId: 'resp_R', text: '{', done: false },
      { kind: 'mcp_arguments', itemId: 'item_M', responseId: 'resp_R', text: '{}', done: true },
      { kind: 'mcp_call_running', itemId: 'item_M' },
      { kind: 'ignored', type: 'response.mcp_call.completed' },
    ]);
  });

  it('sums a transcription’s token usage, and leaves a response out of band when it is', () => {
    expect(
      decode({
        type: 'conversation.item.input_audio_transcription.completed',
        item_id: 'item_U',
        transcript: 'hi',
        usage: { type: 'tokens', input_tokens: 3, output_tokens: 2 },
      }),
    ).toEqual({
      kind: 'input_transcription_done',
      itemId: 'item_U',
      text: 'hi',
      usage: { tokens: 5, seconds: 0 },
    });
    expect(
      decode({ type: 'response.created', response: { id: 'resp_O', conversation_id: null } }),
    ).toEqual({ kind: 'response_started', id: 'resp_O', outOfBand: true });
  });

  it('counts an unknown type as unknown, and ignores a known one it has no row for', () => {
    expect(decode({ type: 'response.hologram.delta', beam: 1 })).toEqual({
      kind: 'unknown',
      type: 'response.hologram.delta',
    });
    // Names off Object.prototype are types like any other, never a decoder.
    for (const type of ['constructor', 'toString', '__proto__']) {
      expect(decodeRealtimeServerEvent({ type, unknown: true, raw: {} }).kind).toBe('unknown');
    }
  });
});

describe('every recorded stream', () => {
  beforeAll(async () => {
    await loadBetaDialect();
  });

  it('decodes event by event with no unknown kind', () => {
    let decoded = 0;
    for (const name of fixtureNames()) {
      const fixture = loadFixture(name);
      for (const { text } of fixture.serverEvents) {
        const parsed = parseServerEvent(text, { dialect: fixture.dialect });
        if (!parsed.success) continue;
        expect(decodeRealtimeServerEvent(parsed.event).kind, `${name}`).not.toBe('unknown');
        decoded += 1;
      }
    }
    expect(decoded).toBeGreaterThan(100);
  });
});

describe('forward compatibility (property)', () => {
  const knownTypes = Object.keys(serverEventSchemas);
  const samples = fixtureNames()
    .filter((name) => name.startsWith('ga'))
    .flatMap((name) => loadFixture(name).serverEvents.map(({ event }) => event));
  const extraKey = fc.string({ minLength: 1, maxLength: 12 }).filter((key) => key !== 'type');

  it('decodes an event with extra fields exactly as without them', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.dictionary(extraKey, fc.jsonValue(), { maxKeys: 4 }),
        (event, extra) => {
          const widened = { ...extra, ...event };
          expect(decode(widened)).toEqual(decode(event));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('answers any frame the reader accepts with a kind, and never throws', () => {
    const type = fc.oneof(fc.constantFrom(...knownTypes), fc.string({ maxLength: 30 }));
    fc.assert(
      fc.property(
        type,
        fc.dictionary(extraKey, fc.jsonValue(), { maxKeys: 6 }),
        (eventType, fields) => {
          const parsed = parseServerEvent(JSON.stringify({ ...fields, type: eventType }));
          if (!parsed.success) return;
          const kind = decodeRealtimeServerEvent(parsed.event).kind;
          expect(typeof kind).toBe('string');
          if (!knownTypes.includes(eventType)) expect(kind).toBe('unknown');
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('encodeRealtimeCommand', () => {
  it('writes a tool result as the function_call_output item of §8.1', () => {
    expect(
      encodeRealtimeCommand({ kind: 'tool_output', callId: 'call_9', output: '{"temp_c":21}' }),
    ).toEqual({
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_9', output: '{"temp_c":21}' },
    });
  });

  it('writes a barge-in as the cancel and truncate of §8.1', () => {
    expect(encodeRealtimeCommand({ kind: 'cancel_response', responseId: 'resp_1' })).toEqual({
      type: 'response.cancel',
      response_id: 'resp_1',
    });
    expect(encodeRealtimeCommand({ kind: 'truncate', itemId: 'item_A', audioEndMs: 1860 })).toEqual(
      {
        type: 'conversation.item.truncate',
        item_id: 'item_A',
        content_index: 0,
        audio_end_ms: 1860,
      },
    );
    expect(encodeRealtimeCommand({ kind: 'clear_output_audio' })).toEqual({
      type: 'output_audio_buffer.clear',
    });
  });

  it('writes the session, response and input buffer commands as their GA events', () => {
    expect(encodeRealtimeCommand({ kind: 'update_session', config: { type: 'realtime' } })).toEqual(
      { type: 'session.update', session: { type: 'realtime' } },
    );
    expect(encodeRealtimeCommand({ kind: 'create_response', options: null })).toEqual({
      type: 'response.create',
    });
    expect(
      encodeRealtimeCommand({ kind: 'create_response', options: { parallel_tool_calls: false } }),
    ).toEqual({ type: 'response.create', response: { parallel_tool_calls: false } });
    expect(encodeRealtimeCommand({ kind: 'commit_input' })).toEqual({
      type: 'input_audio_buffer.commit',
    });
    expect(encodeRealtimeCommand({ kind: 'clear_input' })).toEqual({
      type: 'input_audio_buffer.clear',
    });
    expect(encodeRealtimeCommand({ kind: 'append_audio', audio: 'AAAA' })).toEqual({
      type: 'input_audio_buffer.append',
      audio: 'AAAA',
    });
  });

  it('places a created item after the one named, and only then', () => {
    const item = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] };
    expect(
      encodeRealtimeCommand({ kind: 'create_item', item: item as never, previousItemId: null }),
    ).toEqual({ type: 'conversation.item.create', item });
    expect(
      encodeRealtimeCommand({ kind: 'create_item', item: item as never, previousItemId: 'item_P' }),
    ).toEqual({ type: 'conversation.item.create', previous_item_id: 'item_P', item });
  });

  it('encodes another family’s commands as nothing, both ways', () => {
    expect(encodeRealtimeCommand({ kind: 'mute', muted: true })).toBeNull();
    expect(encodeRealtimeCommand({ kind: 'close' })).toBeNull();
    expect(encodeLiveCommand({ kind: 'cancel_response', responseId: 'resp_1' })).toEqual([]);
    // A kind both carry is written by each in its own wire.
    expect(encodeLiveCommand({ kind: 'tool_output', callId: 'call_1', output: '1' })).toEqual([
      {
        type: 'response.item.create',
        item: { type: 'function_call_output', call_id: 'call_1', output: '1' },
      },
    ]);
  });
});
