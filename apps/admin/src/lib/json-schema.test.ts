import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  checkArguments,
  checkParametersSchema,
  parseJson,
  sampleArguments,
} from './json-schema.js';

const valid = {
  type: 'object',
  properties: { orderId: { type: 'string', minLength: 3 } },
  required: ['orderId'],
};

describe('checkParametersSchema', () => {
  it('accepts an object schema', () => {
    const result = checkParametersSchema(JSON.stringify(valid));
    expect(result.ok).toBe(true);
  });

  it('reports a JSON syntax error with its line', () => {
    const result = checkParametersSchema('{\n  "type": "object",\n  "properties": {,}\n}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0]?.message).toMatch(/line 3/);
  });

  it('rejects schemas that are not objects, unknown types and dangling required names', () => {
    const notObject = checkParametersSchema('{"type": "string"}');
    expect(notObject.ok).toBe(false);

    const badType = checkParametersSchema(
      JSON.stringify({ type: 'object', properties: { a: { type: 'strng' } } }),
    );
    expect(badType.ok).toBe(false);
    if (!badType.ok)
      expect(badType.problems).toContainEqual(
        expect.objectContaining({ path: 'properties.a.type' }),
      );

    const dangling = checkParametersSchema(
      JSON.stringify({ type: 'object', properties: {}, required: ['b'] }),
    );
    expect(dangling.ok).toBe(false);
    if (!dangling.ok) expect(dangling.problems[0]?.message).toMatch(/"b" is required/);

    const badKeyword = checkParametersSchema(
      JSON.stringify({ type: 'object', properties: { a: { type: 'string', minLength: 'x' } } }),
    );
    expect(badKeyword.ok).toBe(false);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        const result = checkParametersSchema(text);
        expect(typeof result.ok).toBe('boolean');
      }),
    );
  });
});

describe('checkArguments', () => {
  it('validates sample arguments against the schema like the server does', () => {
    expect(checkArguments(valid, '{"orderId": "A-1001"}').ok).toBe(true);
    const missing = checkArguments(valid, '{}');
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.problems[0]?.path).toBe('orderId');
    expect(checkArguments(valid, '{"orderId": "A"}').ok).toBe(false);
    expect(checkArguments(valid, '[1]').ok).toBe(false);
    expect(parseJson('nope').ok).toBe(false);
  });
});

describe('sampleArguments', () => {
  const now = new Date('2026-05-04T09:00:00Z');

  it('makes arguments that pass the schema they were made from', () => {
    const schema = {
      type: 'object',
      properties: {
        name: { type: 'string', minLength: 1 },
        email: { type: 'string', format: 'email' },
        phone: { type: 'string', pattern: '^[0-9]+$' },
        startsAt: { type: 'string', format: 'date-time' },
        price: { type: 'number', exclusiveMinimum: 0 },
        limit: { type: 'integer', minimum: 1, maximum: 10 },
        rate: { type: 'number', default: 7 },
        kind: { type: 'string', enum: ['call', 'visit'] },
        urgent: { type: 'boolean' },
      },
      required: ['name', 'price'],
    };
    const sample = sampleArguments(schema, now);
    expect(sample).toEqual({
      name: 'example',
      email: 'ada@example.com',
      startsAt: '2026-05-05T15:00:00Z',
      price: 1,
      limit: 1,
      kind: 'call',
      urgent: true,
    });
    expect(checkArguments(schema, JSON.stringify(sample)).ok).toBe(true);
  });

  it('returns an empty object for a schema without properties', () => {
    expect(sampleArguments({ type: 'object' }, now)).toEqual({});
  });
});
