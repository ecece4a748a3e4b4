import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkClientBytes, checkClientFrame, isPlainAppend } from './client-policy.js';

const allowedTypes = new Set([
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.truncate',
  'response.create',
  'response.cancel',
]);

const check = (event: unknown, calls: string[] = []) =>
  checkClientFrame(JSON.stringify(event), new Set(calls));

describe('browser event policy', () => {
  it('never lets the browser add, change or remove an MCP server, nor answer an approval', () => {
    const server = { type: 'mcp', server_label: 'x', server_url: 'https://mcp.example.com' };
    const refused: [unknown, string][] = [
      [
        { type: 'session.update', session: { type: 'realtime', tools: [server] } },
        'event_not_allowed',
      ],
      [{ type: 'session.update', session: { type: 'realtime', tools: [] } }, 'event_not_allowed'],
      [{ type: 'response.create', response: { tools: [server] } }, 'override_not_allowed'],
      [
        { type: 'response.create', response: { tool_choice: { type: 'mcp', server_label: 'x' } } },
        'override_not_allowed',
      ],
      [
        {
          type: 'conversation.item.create',
          item: { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: true },
        },
        'item_not_allowed',
      ],
      [
        {
          type: 'conversation.item.create',
          item: { type: 'mcp_call', name: 'x', arguments: '{}', server_label: 'x' },
        },
        'item_not_allowed',
      ],
    ];
    for (const [event, code] of refused)
      expect(check(event, ['mcpr_1'])).toMatchObject({ allow: false, code });
  });

  it('lets through what a browser needs', () => {
    for (const event of [
      { type: 'input_audio_buffer.append', audio: 'AAAA' },
      { type: 'input_audio_buffer.commit' },
      { type: 'input_audio_buffer.clear' },
      { type: 'response.create' },
      { type: 'response.create', response: { metadata: { source: 'button' } } },
      { type: 'response.cancel' },
      {
        type: 'conversation.item.truncate',
        item_id: 'item_1',
        content_index: 0,
        audio_end_ms: 120,
      },
      {
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hi' }] },
      },
    ]) {
      expect(check(event)).toMatchObject({ allow: true, type: event.type });
    }
  });

  it('lets a browser answer only the tool calls that are its own and pending', () => {
    const output = {
      type: 'conversation.item.create',
      item: { type: 'function_call_output', call_id: 'call_1', output: '{}' },
    };
    expect(check(output, ['call_1'])).toMatchObject({ allow: true, callId: 'call_1' });
    expect(check(output, [])).toMatchObject({ allow: false, code: 'item_not_allowed' });
  });

  it('refuses session changes, overrides and items that would change the agent', () => {
    const refused: [unknown, string][] = [
      [
        { type: 'session.update', session: { type: 'realtime', instructions: 'x' } },
        'event_not_allowed',
      ],
      [{ type: 'conversation.item.delete', item_id: 'a' }, 'event_not_allowed'],
      [{ type: 'output_audio_buffer.clear' }, 'event_not_allowed'],
      [{ type: 'emulator.reply', reply: { text: 'x' } }, 'event_not_allowed'],
      [{ type: 'response.create', response: { instructions: 'x' } }, 'override_not_allowed'],
      [{ type: 'response.create', response: { tools: [] } }, 'override_not_allowed'],
      [
        { type: 'response.create', response: { tool_choice: 'none', metadata: {} } },
        'override_not_allowed',
      ],
      [{ type: 'response.create', response: { input: [] } }, 'override_not_allowed'],
      [
        {
          type: 'conversation.item.create',
          item: { type: 'message', role: 'system', content: [{ type: 'input_text', text: 'x' }] },
        },
        'item_not_allowed',
      ],
      [
        {
          type: 'conversation.item.create',
          item: {
            type: 'message',
            role: 'assistant',
            content: [{ type: 'output_text', text: 'x' }],
          },
        },
        'item_not_allowed',
      ],
      [
        {
          type: 'conversation.item.create',
          item: { type: 'function_call', name: 'capture_lead', call_id: 'c', arguments: '{}' },
        },
        'item_not_allowed',
      ],
      [{ type: 'input_audio_buffer.append', audio: 'not base64!' }, 'invalid_event'],
    ];
    for (const [event, code] of refused) expect(check(event)).toMatchObject({ allow: false, code });
  });

  it('echoes the offending event id so the client can match the error', () => {
    expect(check({ type: 'session.update', event_id: 'evt_9', session: {} })).toMatchObject({
      eventId: 'evt_9',
    });
  });

  it('forwards exactly what it checked: duplicate keys cannot smuggle a type past', () => {
    const smuggled =
      '{"type":"input_audio_buffer.append","audio":"AAAA","type":"session.update","session":{}}';
    const decision = checkClientFrame(smuggled, new Set());
    if (decision.allow) expect(JSON.parse(decision.frame).type).toBe(decision.type);
    expect(isPlainAppend(Buffer.from(smuggled))).toBe(false);
  });

  it('never throws and never allows an event outside the allow-list, whatever the input (fuzz)', () => {
    const event = fc.record(
      {
        type: fc.oneof(
          fc.constantFrom(...allowedTypes, 'session.update', 'conversation.item.delete'),
          fc.string(),
        ),
        event_id: fc.string(),
        audio: fc.oneof(fc.base64String(), fc.string()),
        response: fc.dictionary(
          fc.constantFrom('instructions', 'tools', 'metadata', 'voice'),
          fc.jsonValue(),
        ),
        item: fc.record(
          {
            type: fc.constantFrom('message', 'function_call_output', 'function_call'),
            role: fc.constantFrom('user', 'system', 'assistant'),
            content: fc.jsonValue(),
            call_id: fc.string(),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(
          event.map((value) => JSON.stringify(value)),
          fc.string(),
        ),
        (frame) => {
          const decision = checkClientFrame(frame, new Set());
          if (!decision.allow) return;
          const forwarded = JSON.parse(decision.frame) as {
            type: string;
            response?: Record<string, unknown>;
          };
          expect(allowedTypes.has(forwarded.type)).toBe(true);
          expect(forwarded.type).toBe(decision.type);
          if (forwarded.type === 'response.create') {
            expect(Object.keys(forwarded.response ?? {}).every((key) => key === 'metadata')).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('decides on bytes exactly as on the parsed frame, fast path or not (property)', () => {
    const base64Char = fc.constantFrom(
      ...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split(''),
    );
    const nearBase64 = fc
      .tuple(
        fc.string({ unit: base64Char }),
        fc.constantFrom('', '=', '==', '===', '=A', ' ', '\n', '-', '_', '.', '\\', '\\u0041'),
        fc.string({ unit: base64Char, maxLength: 3 }),
      )
      .map((parts) => parts.join(''));
    const audio = fc.oneof(
      fc.string({ unit: base64Char }),
      nearBase64,
      fc.string({ unit: 'binary' }),
      fc.string({
        unit: fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)),
      }),
    );
    const frame = fc.oneof(
      // Hand-written frames: what a browser could put on the wire, byte for byte.
      fc
        .tuple(
          fc.constantFrom(
            '{"type":"input_audio_buffer.append","audio":"',
            '{"type":"input_audio_buffer.append", "audio":"',
            '{ "type":"input_audio_buffer.append","audio":"',
            '{"type":"input_audio_buffer.commit","audio":"',
            '{"type":"input_audio_buffer.append","event_id":"e1","audio":"',
            '{"audio":"',
          ),
          audio,
          fc.constantFrom(
            '"}',
            '" }',
            '"}\n',
            '","type":"session.update"}',
            '","type":"input_audio_buffer.append"}',
            '","event_id":"evt_1"}',
            '"',
            '"}}',
            '',
          ),
        )
        .map((parts) => parts.join('')),
      // Serialized events: escapes of every character JSON needs to escape.
      fc
        .record(
          {
            type: fc.constantFrom('input_audio_buffer.append', 'input_audio_buffer.clear'),
            audio: fc.oneof(audio, fc.integer(), fc.constant(null)),
            event_id: fc.string(),
          },
          { requiredKeys: ['type'] },
        )
        .map((event) => JSON.stringify(event)),
    );
    fc.assert(
      fc.property(frame, (text) => {
        const bytes = Buffer.from(text, 'utf8');
        const full = checkClientFrame(text, new Set());
        const fast = checkClientBytes(bytes, new Set());
        expect(fast.allow).toBe(full.allow);
        if (fast.allow && full.allow) {
          expect(fast.type).toBe(full.type);
          expect(Buffer.from(fast.frame).equals(Buffer.from(full.frame))).toBe(true);
        } else {
          expect(fast).toEqual(full);
        }
        if (isPlainAppend(bytes)) {
          expect(full).toEqual({ allow: true, type: 'input_audio_buffer.append', frame: text });
        }
      }),
      { numRuns: 3000 },
    );
    for (const audioText of ['AAAA', 'AA==', 'AAA=', 'A+/9', 'QUJD']) {
      const text = `{"type":"input_audio_buffer.append","audio":"${audioText}"}`;
      expect(isPlainAppend(Buffer.from(text))).toBe(true);
      expect(checkClientBytes(Buffer.from(text), new Set())).toMatchObject({ allow: true });
    }
    for (const audioText of ['not base64!', 'AA===', 'A=A', 'AA\\u0041', 'Ä', 'A\tA', '']) {
      expect(
        isPlainAppend(Buffer.from(`{"type":"input_audio_buffer.append","audio":"${audioText}"}`)),
      ).toBe(false);
    }
  });

  it('takes the unparsed fast path only for frames that are a plain append (fuzz)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (audio, suffix) => {
        const frame = Buffer.from(
          `{"type":"input_audio_buffer.append","audio":"${audio}"${suffix}`,
        );
        if (!isPlainAppend(frame)) return;
        const parsed = JSON.parse(frame.toString()) as Record<string, unknown>;
        expect(Object.keys(parsed)).toEqual(['type', 'audio']);
        expect(parsed.type).toBe('input_audio_buffer.append');
      }),
      { numRuns: 1000 },
    );
    expect(isPlainAppend(Buffer.from('{"type":"input_audio_buffer.append","audio":"AAAA"}'))).toBe(
      true,
    );
  });
});
