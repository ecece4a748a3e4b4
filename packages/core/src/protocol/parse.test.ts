import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { translateBetaSessionConfig } from './beta-session.js';
import { ProtocolError } from './errors.js';
import { loadBetaDialect } from './beta-loader.js';
import { isUnknownEvent, parseServerEvent, serializeClientEvent } from './parse.js';
import { parseClientEvent } from './parse-client.js';
import type { ClientEvent } from './client-events.js';
import type { ServerEvent } from './server-events.js';

const fixturesDir = fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));
const fixture = (name: string) =>
  readFileSync(`${fixturesDir}${name}.jsonl`, 'utf8').trim().split('\n');

function expectEvent(result: ReturnType<typeof parseServerEvent>): ServerEvent {
  if (!result.success) throw result.error;
  if (isUnknownEvent(result.event)) throw new Error(`unknown ${result.event.type}`);
  return result.event;
}

const audioDelta = {
  type: 'response.output_audio.delta',
  event_id: 'event_1',
  response_id: 'resp_1',
  item_id: 'item_1',
  output_index: 0,
  content_index: 0,
  delta: 'AAAA',
};

// The beta frames here need the beta dialect, which loads on demand (beta-loader.test.ts).
beforeAll(() => loadBetaDialect());

describe('parseServerEvent', () => {
  it('parses a GA audio delta from a string and from an object, with and without validation', () => {
    for (const validate of [true, false]) {
      expect(expectEvent(parseServerEvent(JSON.stringify(audioDelta), { validate }))).toEqual(
        audioDelta,
      );
      expect(expectEvent(parseServerEvent(audioDelta, { validate }))).toEqual(audioDelta);
    }
  });

  it('accepts UTF-8 bytes as they come from a Node WebSocket', () => {
    const bytes = new TextEncoder().encode(JSON.stringify(audioDelta));
    expect(expectEvent(parseServerEvent(bytes))).toEqual(audioDelta);
  });

  it('keeps unknown fields such as obfuscation', () => {
    const event = expectEvent(parseServerEvent({ ...audioDelta, obfuscation: 'xyz' }));
    expect(event).toMatchObject({ obfuscation: 'xyz' });
  });

  it('parses an unknown type successfully, flagged and with its raw payload', () => {
    const raw = { type: 'response.future_thing', event_id: 'e', payload: { a: 1 } };
    const result = parseServerEvent(JSON.stringify(raw));
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(isUnknownEvent(result.event)).toBe(true);
    expect(result.event).toEqual({ type: 'response.future_thing', unknown: true, raw });
  });

  it('reports malformed JSON as a protocol error that keeps the raw input', () => {
    const raw = '{"type":"error",';
    const result = parseServerEvent(raw);
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error).toBeInstanceOf(ProtocolError);
    expect(result.error.reason).toBe('protocol');
    expect(result.error.raw).toBe(raw);
    expect(result.error.issues[0]?.code).toBe('invalid_json');
    expect(result.error.message).toMatch(/Malformed JSON/);
  });

  it('reports schema mismatches with the path of every issue', () => {
    const result = parseServerEvent({ ...audioDelta, delta: 42, output_index: 'zero' });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.eventType).toBe('response.output_audio.delta');
    expect(result.error.issues.map((issue) => issue.path.join('.')).sort()).toEqual([
      'delta',
      'output_index',
    ]);
    expect(result.error.message).toContain('response.output_audio.delta');
  });

  it('rejects frames without a string type, non-objects, oversized and over-deep frames', () => {
    const codes = [
      parseServerEvent('{"event_id":"x"}'),
      parseServerEvent('[1,2]'),
      parseServerEvent('null'),
      parseServerEvent(42),
      parseServerEvent(JSON.stringify({ type: 'x', pad: 'a'.repeat(2000) }), { maxLength: 1000 }),
      parseServerEvent(`{"type":"x","a":${'['.repeat(100)}${']'.repeat(100)}}`),
    ].map((result) => (result.success ? 'success' : result.error.issues[0]?.code));
    expect(codes).toEqual([
      'missing_type',
      'not_an_object',
      'not_an_object',
      'not_an_object',
      'too_large',
      'too_deep',
    ]);
  });

  it('reports a cyclic object input as an error instead of hanging', () => {
    const cyclic: Record<string, unknown> = { type: 'response.done' };
    cyclic.self = cyclic;
    const result = parseServerEvent(cyclic);
    expect(result.success).toBe(false);
  });

  it('removes __proto__ and constructor.prototype keys with a warning and pollutes nothing', () => {
    const raw =
      '{"type":"response.output_audio.delta","event_id":"e","response_id":"r","item_id":"i","output_index":0,' +
      '"content_index":0,"delta":"AA","__proto__":{"polluted":1},"x":{"constructor":{"prototype":{"polluted":2}}}}';
    const result = parseServerEvent(raw);
    if (!result.success) throw result.error;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(result.event)).toBe(Object.prototype);
    expect(Object.prototype.hasOwnProperty.call(result.event, '__proto__')).toBe(false);
    expect(result.event).toMatchObject({ x: { constructor: {} } });
    expect(result.warnings?.map((w) => w.path)).toEqual(['__proto__', 'x.constructor.prototype']);
  });

  it('treats Object.prototype member names as unknown types, in both dialects', () => {
    for (const type of [
      'valueOf',
      'constructor',
      'toString',
      'hasOwnProperty',
      '__proto__',
      '__defineGetter__',
    ]) {
      for (const dialect of ['ga', 'beta'] as const) {
        for (const parse of [parseServerEvent, parseClientEvent]) {
          const result = parse(JSON.stringify({ type, event_id: 'e' }), { dialect });
          expect(result.success && result.event).toEqual({
            type,
            unknown: true,
            raw: { type, event_id: 'e' },
          });
        }
      }
    }
  });

  it('does not modify an object passed in', () => {
    const input = JSON.parse('{"type":"input_audio_buffer.cleared","__proto__":{"a":1}}') as object;
    parseServerEvent(input);
    expect(Object.prototype.hasOwnProperty.call(input, '__proto__')).toBe(true);
  });
});

describe('beta dialect', () => {
  it('renames beta events and assistant content to GA', () => {
    const event = expectEvent(
      parseServerEvent(
        {
          type: 'response.output_item.done',
          event_id: 'e',
          response_id: 'r',
          output_index: 0,
          item: {
            id: 'i',
            type: 'message',
            role: 'assistant',
            content: [{ type: 'audio', transcript: 'Hi' }],
          },
        },
        { dialect: 'beta' },
      ),
    );
    expect(event).toMatchObject({
      item: { content: [{ type: 'output_audio', transcript: 'Hi' }] },
    });
    const delta = expectEvent(
      parseServerEvent({ ...audioDelta, type: 'response.audio.delta' }, { dialect: 'beta' }),
    );
    expect(delta.type).toBe('response.output_audio.delta');
  });

  it('translates the beta session of session.created to the nested GA session', () => {
    const created = fixture('beta-webrtc-session').find((line) =>
      line.includes('"session.created"'),
    )!;
    const result = parseServerEvent(created, { dialect: 'beta' });
    const event = expectEvent(result);
    if (event.type !== 'session.created' || event.session.type !== 'realtime')
      throw new Error('not a session');
    expect(event.session.audio?.input?.format).toEqual({ type: 'audio/pcm', rate: 24000 });
    expect(event.session.audio?.output?.voice).toBe('alloy');
    expect(event.session.audio?.input?.turn_detection?.type).toBe('server_vad');
    expect(event.session.output_modalities).toEqual(['audio']);
    expect(result.success && result.warnings?.map((w) => w.path)).toContain('session.temperature');
  });

  it('keeps logger-elided "[Object]" values as unparsed placeholders with warnings', () => {
    // beta-text-turn was logged with util.inspect, which printed nested objects as "[Object]".
    const done = fixture('beta-text-turn').at(-1)!;
    const result = parseServerEvent(done, { dialect: 'beta' });
    const event = expectEvent(result);
    if (event.type !== 'response.done') throw new Error(event.type);
    expect(event.response.output?.[0]).toEqual({ type: 'unparsed', raw: '[Object]' });
    expect(event.response.usage?.input_token_details).toBeUndefined();
    // Warning paths are real paths inside the event (they were labels before the reader).
    expect(result.success && result.warnings?.map((w) => w.path)).toEqual(
      expect.arrayContaining([
        'response.output.0',
        'response.usage.input_token_details',
        'response.usage.output_token_details',
      ]),
    );
  });

  it('translates the seeds flat session config and reports what GA dropped', () => {
    const { session, dropped } = translateBetaSessionConfig({
      modalities: ['text', 'audio'],
      instructions: 'Be brief.',
      voice: 'alloy',
      input_audio_format: 'pcm16',
      output_audio_format: 'g711_ulaw',
      input_audio_transcription: { model: 'whisper-1' },
      turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
      tools: [{ type: 'function', name: 'searchDatabase', parameters: { type: 'object' } }],
      tool_choice: 'auto',
      temperature: 0.8,
      max_response_output_tokens: 'inf',
    });
    expect(session).toEqual({
      type: 'realtime',
      output_modalities: ['audio'],
      instructions: 'Be brief.',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: { model: 'whisper-1' },
          turn_detection: { type: 'server_vad', silence_duration_ms: 500 },
        },
        output: { voice: 'alloy', format: { type: 'audio/pcmu' } },
      },
      tools: [{ type: 'function', name: 'searchDatabase', parameters: { type: 'object' } }],
      tool_choice: 'auto',
      max_output_tokens: 'inf',
    });
    expect(dropped).toEqual([
      { field: 'temperature', value: 0.8, reason: expect.stringMatching(/temperature/) },
    ]);
  });

  it('accepts a flat session.update in beta and translates it, reporting temperature', () => {
    const result = parseClientEvent(
      { type: 'session.update', session: { voice: 'coral', temperature: 0.7 } },
      { dialect: 'beta' },
    );
    if (!result.success) throw result.error;
    expect(result.event).toEqual({
      type: 'session.update',
      session: { type: 'realtime', audio: { output: { voice: 'coral' } } },
    });
    expect(result.warnings).toEqual([
      { path: 'session.temperature', message: expect.stringMatching(/^dropped/), value: 0.7 },
    ]);
  });

  it('rejects a flat session.update in GA with a clear error', () => {
    const result = parseClientEvent({ type: 'session.update', session: { voice: 'coral' } });
    expect(result.success).toBe(false);
  });
});

describe('serializeClientEvent', () => {
  const update: ClientEvent = {
    type: 'session.update',
    event_id: 'evt_1',
    session: {
      type: 'realtime',
      output_modalities: ['audio'],
      instructions: 'Be brief.',
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          turn_detection: { type: 'semantic_vad' },
        },
        output: { voice: 'marin', speed: 1.1 },
      },
      max_output_tokens: 'inf',
      truncation: 'auto',
    },
  };

  it('writes GA as is', () => {
    expect(JSON.parse(serializeClientEvent(update))).toEqual(update);
  });

  it('writes the beta flat session and reports GA-only fields', () => {
    const dropped: string[] = [];
    const wire = JSON.parse(
      serializeClientEvent(update, {
        dialect: 'beta',
        onDropped: (d) => dropped.push(...d.map((x) => x.field)),
      }),
    ) as unknown;
    expect(wire).toEqual({
      type: 'session.update',
      event_id: 'evt_1',
      session: {
        modalities: ['text', 'audio'],
        instructions: 'Be brief.',
        input_audio_format: 'pcm16',
        turn_detection: { type: 'semantic_vad' },
        voice: 'marin',
        speed: 1.1,
        max_response_output_tokens: 'inf',
      },
    });
    expect(dropped).toEqual(['session.truncation']);
  });

  it('writes beta assistant content names and response overrides', () => {
    const item: ClientEvent = {
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'assistant',
        content: [{ type: 'output_text', text: 'Hello' }],
      },
    };
    expect(JSON.parse(serializeClientEvent(item, { dialect: 'beta' }))).toMatchObject({
      item: { content: [{ type: 'text', text: 'Hello' }] },
    });
    const create: ClientEvent = {
      type: 'response.create',
      response: {
        output_modalities: ['text'],
        audio: { output: { voice: 'alloy' } },
        max_output_tokens: 200,
      },
    };
    expect(JSON.parse(serializeClientEvent(create, { dialect: 'beta' }))).toEqual({
      type: 'response.create',
      response: { modalities: ['text'], voice: 'alloy', max_response_output_tokens: 200 },
    });
  });

  it('round-trips every kind of client event through both dialects', () => {
    // `truncation` is GA-only (dropped when writing beta), so the round trip uses a session without it.
    const { truncation: _truncation, ...representable } = update.session;
    const events: ClientEvent[] = [
      { ...update, session: representable },
      { type: 'input_audio_buffer.append', audio: 'AAAA', event_id: 'a' },
      { type: 'input_audio_buffer.commit' },
      { type: 'input_audio_buffer.clear' },
      {
        type: 'conversation.item.create',
        previous_item_id: 'root',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Hi' }] },
      },
      {
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: 'call_1', output: '{}' },
      },
      { type: 'conversation.item.retrieve', item_id: 'item_1' },
      {
        type: 'conversation.item.truncate',
        item_id: 'item_1',
        content_index: 0,
        audio_end_ms: 1860,
      },
      { type: 'conversation.item.delete', item_id: 'item_1' },
      {
        type: 'response.create',
        response: {
          conversation: 'none',
          output_modalities: ['text'],
          metadata: { purpose: 'summary' },
          input: [{ type: 'item_reference', id: 'item_1' }],
        },
      },
      { type: 'response.cancel', response_id: 'resp_1' },
      { type: 'output_audio_buffer.clear' },
      {
        type: 'session.update',
        session: {
          type: 'transcription',
          audio: { input: { transcription: { model: 'gpt-4o-transcribe' } } },
        },
      },
    ];
    for (const event of events) {
      for (const dialect of ['ga', 'beta'] as const) {
        const result = parseClientEvent(serializeClientEvent(event, { dialect }), { dialect });
        if (!result.success) throw result.error;
        expect(result.event).toEqual(event);
      }
    }
  });

  it('throws a ProtocolError for values JSON cannot hold', () => {
    const cyclic = { type: 'response.create', response: {} } as ClientEvent & {
      response: Record<string, unknown>;
    };
    cyclic.response.self = cyclic;
    expect(() => serializeClientEvent(cyclic)).toThrow(ProtocolError);
  });
});
