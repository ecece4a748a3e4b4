import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { sampleFromJsonSchema } from './json-schema-sample.js';

type Schema = Record<string, unknown>;

const leaf: fc.Arbitrary<Schema> = fc.oneof(
  fc
    .record({ type: fc.constant('string'), minLength: fc.nat(30), extra: fc.nat(30) })
    .map(({ minLength, extra }) => ({ type: 'string', minLength, maxLength: minLength + extra })),
  fc.constantFrom<Schema>(
    { type: 'string', format: 'email' },
    { type: 'string', format: 'date' },
    { type: 'string', format: 'uuid' },
  ),
  fc
    .record({
      low: fc.integer({ min: -1000, max: 1000 }),
      span: fc.nat(1000),
      step: fc.integer({ min: 1, max: 7 }),
    })
    .map(({ low, span, step }) => ({
      type: 'integer',
      minimum: low,
      maximum: low + span + step,
      multipleOf: step,
    })),
  fc
    .record({
      low: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      span: fc.double({ min: 1, max: 1e6, noNaN: true }),
    })
    .map(({ low, span }) => ({ type: 'number', exclusiveMinimum: low, maximum: low + span })),
  fc.constant<Schema>({ type: 'boolean' }),
  fc
    .uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 4 })
    .map((values) => ({ type: 'string', enum: values })),
);

const schemaArbitrary: fc.Arbitrary<Schema> = fc.letrec<{ node: Schema }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc
      .record({ items: tie('node'), minItems: fc.nat(3) })
      .map(({ items, minItems }) => ({ type: 'array', items, minItems, maxItems: minItems + 2 })),
    fc
      .dictionary(fc.stringMatching(/^[a-z][a-z_]{0,10}$/), tie('node'), { maxKeys: 4 })
      .chain((properties) =>
        fc
          .subarray(Object.keys(properties))
          .map((required) => ({ type: 'object', properties, required })),
      ),
    fc.tuple(tie('node'), tie('node')).map(([a, b]) => ({ anyOf: [{ type: 'null' }, a, b] })),
  ),
})).node;

describe('sampleFromJsonSchema', () => {
  it('produces a value every generated schema accepts', () => {
    fc.assert(
      fc.property(schemaArbitrary, (schema) => {
        const value = sampleFromJsonSchema(schema);
        const validator = z.fromJSONSchema(schema);
        expect(validator.safeParse(value).success, JSON.stringify({ schema, value })).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('is deterministic and prefers const, enum, default and examples', () => {
    const schema = {
      type: 'object',
      properties: {
        city: { type: 'string' },
        unit: { type: 'string', enum: ['c', 'f'] },
        days: { type: 'integer', default: 3 },
        kind: { const: 'forecast' },
        note: { type: 'string', examples: ['bring an umbrella'] },
      },
      required: ['city'],
    };
    expect(sampleFromJsonSchema(schema)).toEqual({
      city: 'example city',
      unit: 'c',
      days: 3,
      kind: 'forecast',
      note: 'bring an umbrella',
    });
    expect(sampleFromJsonSchema(schema)).toEqual(sampleFromJsonSchema(schema));
  });

  it('resolves local $refs and merges allOf', () => {
    const schema = {
      $defs: {
        person: {
          type: 'object',
          properties: { email: { type: 'string', format: 'email' } },
          required: ['email'],
        },
      },
      allOf: [
        { $ref: '#/$defs/person' },
        { type: 'object', properties: { age: { type: 'integer', minimum: 18 } } },
      ],
    };
    expect(sampleFromJsonSchema(schema)).toEqual({ email: 'visitor@example.com', age: 18 });
  });

  it('accepts schemas made by zod, as Parley tools are', () => {
    const tool = z.object({
      guests: z.number().int().min(1).max(12),
      date: z.iso.date(),
      notes: z.string().max(5).optional(),
      seating: z.enum(['indoor', 'outdoor']),
    });
    expect(tool.safeParse(sampleFromJsonSchema(z.toJSONSchema(tool))).success).toBe(true);
  });
});
