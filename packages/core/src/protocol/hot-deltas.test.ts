import { describe, expect, it } from 'vitest';
import { hotDeltaTypes, isHotDelta } from './hot-deltas.js';
import { parseServerEvent } from './parse.js';
import { readFieldsOf } from './server-event-reader.js';

// The hot deltas' own reader must read exactly what the general reader reads of them: the same
// events pass, the same fail with the same issues, the rest is passed through untouched.

const delta = (type: string) => ({
  type,
  event_id: 'event_1',
  response_id: 'resp_1',
  item_id: 'item_1',
  output_index: 0,
  content_index: 1,
  delta: 'AAAA',
  obfuscation: 'x1',
  some_future_field: { nested: [1, 2] },
});

describe.each(hotDeltaTypes)('the hot reader of %s', (type) => {
  it('checks the fields the general reader checks, no more', () => {
    expect(readFieldsOf(type)).toEqual([
      { name: 'response_id', kind: 's' },
      { name: 'item_id', kind: 's' },
      { name: 'output_index', kind: 'n' },
      { name: 'content_index', kind: 'n' },
      { name: 'delta', kind: 's' },
    ]);
  });

  it('passes a well-formed event through unchanged, unknown fields and all', () => {
    const event = delta(type);
    expect(isHotDelta(event, undefined)).toBe(true);
    const result = parseServerEvent(JSON.stringify(event));
    expect(result).toEqual({ success: true, event });
  });

  it.each(['response_id', 'item_id', 'output_index', 'content_index', 'delta'])(
    'fails a frame whose %s is missing or of another kind, naming it',
    (field) => {
      for (const value of [undefined, null, field.endsWith('index') ? '0' : 7]) {
        const event = { ...delta(type), [field]: value };
        expect(isHotDelta(event, undefined)).toBe(false);
        const result = parseServerEvent(JSON.stringify(event));
        expect(result.success).toBe(false);
        if (!result.success) expect(result.error.issues[0]?.path).toEqual([field]);
      }
    },
  );

  it('leaves a beta-dialect frame to the beta path', () => {
    expect(isHotDelta(delta(type), { dialect: 'beta' })).toBe(false);
  });

  it('still strips a prototype-polluting key, with its warning', () => {
    const frame = JSON.stringify(delta(type)).replace('{', '{"__proto__":{"polluted":1},');
    const result = parseServerEvent(frame);
    expect(result.success).toBe(true);
    if (!result.success) return;
    expect(Object.prototype.hasOwnProperty.call(result.event, '__proto__')).toBe(false);
    expect(result.warnings?.[0]?.path).toBe('__proto__');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
