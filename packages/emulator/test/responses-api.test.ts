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

  it('calls a function tool the user names, then reports the tool output in words', async () => {
    const tools = [
      {
        type: 'function' as const,
        name: 'capture_lead',
        description: "Save the visitor's contact details so a person follows up.",
        parameters: {
          type: 'object',
          properties: { name: { type: 'string' }, email: { type: 'string' } },
          required: ['name', 'email'],
        },
        strict: false,
      },
    ];
    const words = 'Please capture a lead: my name is Dana Smith and my email is dana@example.com';
    const first = await client.responses.create({
      model: 'gpt-5.6-terra',
      input: [
        { role: 'assistant', content: 'Hello! How can I help?' },
        { role: 'user', content: words },
      ],
      tools,
      store: false,
    });
    const call = first.output.find((item) => item.type === 'function_call');
    expect(call).toMatchObject({
      type: 'function_call',
      name: 'capture_lead',
      status: 'completed',
    });
    if (call?.type !== 'function_call') throw new Error('no call');
    expect(JSON.parse(call.arguments)).toMatchObject({ email: 'dana@example.com' });
    expect(first.output_text).toBe('');
    const second = await client.responses.create({
      model: 'gpt-5.6-terra',
      input: [
        { role: 'user', content: words },
        {
          type: 'function_call',
          call_id: call.call_id,
          name: call.name,
          arguments: call.arguments,
        },
        { type: 'function_call_output', call_id: call.call_id, output: '{"saved":true}' },
      ],
      tools,
      store: false,
    });
    expect(second.output.some((item) => item.type === 'function_call')).toBe(false);
    expect(second.output_text.length).toBeGreaterThan(0);
    // Without tools the same words get the plain quoting answer, as before.
    const plain = await client.responses.create({ model: 'gpt-5-mini', input: words });
    expect(plain.output_text).toContain('Emulated response.');
  });

  it('runs a hosted web search the words ask for when web_search is offered', async () => {
    const answer = await client.responses.create({
      model: 'gpt-5.6-terra',
      input: [{ role: 'user', content: 'Search the web for tide tables in Brest' }],
      tools: [{ type: 'web_search' }],
    });
    expect(answer.output[0]).toMatchObject({
      type: 'web_search_call',
      action: { type: 'search', query: 'tide tables in Brest' },
    });
    expect(answer.output_text).toContain('tide tables in Brest');
  });
});
