import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseClientFrame } from './client-events.js';

describe('parseClientFrame', () => {
  it('never throws on arbitrary text, bytes or JSON, and always explains a refusal', () => {
    const frame = fc.oneof(
      fc.string(),
      fc.json(),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc
        .record({
          type: fc.constantFrom(
            'session.update',
            'response.create',
            'conversation.item.create',
            'input_audio_buffer.append',
            'x',
          ),
          event_id: fc.anything(),
          session: fc.anything(),
          item: fc.anything(),
          audio: fc.anything(),
        })
        .map((value) => JSON.stringify(value) ?? ''),
    );
    fc.assert(
      fc.property(
        frame,
        fc.boolean(),
        fc.constantFrom<'ga' | 'beta'>('ga', 'beta'),
        (data, binary, dialect) => {
          const result = parseClientFrame(data, binary, 1 << 20, dialect);
          if (!result.ok) {
            expect(result.error.message.length).toBeGreaterThan(0);
            expect(result.error.type).toBe('invalid_request_error');
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it('echoes the client event_id on a refusal when it could be read', () => {
    const result = parseClientFrame(
      JSON.stringify({ type: 'bogus', event_id: 'evt_9' }),
      false,
      1 << 20,
    );
    expect(result).toMatchObject({ ok: false, eventId: 'evt_9' });
    if (!result.ok) expect(result.error).toMatchObject({ code: 'invalid_value', param: 'type' });
  });

  it('passes schema errors from @parley/core through as real-shaped errors', () => {
    const result = parseClientFrame(
      JSON.stringify({ type: 'conversation.item.truncate', event_id: 'e1', item_id: 5 }),
      false,
      1 << 20,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.eventId).toBe('e1');
      expect(result.error.param).toBe('item_id');
    }
  });

  it('bounds frame size before parsing', () => {
    const result = parseClientFrame('x'.repeat(2000), false, 1000);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('event_too_large');
  });
});
