// The official `openai` 7.60.0 client's `responses.create`, unmodified, against the emulator's
// deterministic `POST /v1/responses`.
import OpenAI from 'openai';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../src/index.js';

let emulator: EmulatorHandle;
let client: OpenAI;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, host: '127.0.0.1', requireKey: 'test-key' });
  client = new OpenAI({ apiKey: 'test-key', baseURL: `${emulator.httpUrl}/v1` });
});
afterAll(async () => {
  await emulator?.close();
});

const schema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    summary: { type: 'string' },
    success: { type: 'boolean' },
    extracted: {
      type: 'object',
      additionalProperties: false,
      properties: {
        budget: { type: 'integer', minimum: 1000 },
        city: { type: 'string', enum: ['Paris', 'Lyon'] },
        email: { type: 'string', format: 'email' },
        topics: { type: 'array', items: { type: 'string' }, minItems: 2 },
      },
      required: ['budget', 'city', 'email', 'topics'],
    },
  },
  required: ['summary', 'success', 'extracted'],
};

describe('POST /v1/responses', () => {
  it('answers a json_schema request with JSON valid against the schema, the same every time', async () => {
    const request = {
      model: 'gpt-5-mini',
      instructions: 'Analyse the call.',
      input: [{ role: 'user' as const, content: 'Visitor: I want a flat in Lyon.\nAgent: Sure.' }],
      text: { format: { type: 'json_schema' as const, name: 'analysis', schema, strict: true } },
    };
    const first = await client.responses.create(request);
    const second = await client.responses.create(request);
    expect(first.status).toBe('completed');
    const parsed = JSON.parse(first.output_text) as Record<string, unknown>;
    const validate = new Ajv({ strict: false }).compile(schema);
    expect(validate(parsed), JSON.stringify(validate.errors)).toBe(true);
    expect(parsed.summary).toContain('I want a flat in Lyon');
    expect(second.output_text).toBe(first.output_text);
    expect(second.id).toBe(first.id);
    expect(first.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('answers plain text without a format, and refuses a request without a key or a model', async () => {
    const answer = await client.responses.create({ model: 'gpt-5-mini', input: 'hello there' });
    expect(answer.output_text).toContain('hello there');
    const noKey = await fetch(`${emulator.httpUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-5-mini', input: 'x' }),
    });
    expect(noKey.status).toBe(401);
    const noModel = await fetch(`${emulator.httpUrl}/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer test-key' },
      body: JSON.stringify({ input: 'x' }),
    });
    expect(noModel.status).toBe(400);
    expect(((await noModel.json()) as { error: { param: string } }).error.param).toBe('model');
  });
});
