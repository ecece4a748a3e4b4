// MCP tools end to end: the official `openai` realtime client, unmodified, drives the emulator,
// which lists and calls the tools of a real MCP server on loopback (official MCP SDK).
import OpenAI from 'openai';
import { OpenAIRealtimeWS } from 'openai/realtime/ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPROVAL_CONTINUE_MS } from '../src/approval-continuation.js';
import { startEmulator, type EmulatorHandle } from '../src/index.js';
import { EventLog, type WireEvent } from './helpers.js';
import { startTestMcpServer, type TestMcpServer } from '../src/test-utils/index.js';

let emulator: EmulatorHandle;
let client: OpenAI;
let mcp: TestMcpServer;
const open: OpenAIRealtimeWS[] = [];

beforeAll(async () => {
  [emulator, mcp] = await Promise.all([
    startEmulator({ tls: true, speechRate: Infinity, speechEngine: 'generated' }),
    startTestMcpServer({ requireAuthorization: 'Bearer docs-token' }),
  ]);
  client = new OpenAI({ apiKey: 'test-key', baseURL: `${emulator.httpUrl}/v1` });
});

afterAll(async () => {
  for (const rt of open) rt.close();
  await Promise.all([emulator?.close(), mcp?.close()]);
});

async function connect(tools: unknown[]): Promise<{ rt: OpenAIRealtimeWS; log: EventLog }> {
  const rt = new OpenAIRealtimeWS(
    { model: 'gpt-realtime', options: { ca: emulator.certificate! } },
    client,
  );
  open.push(rt);
  const log = new EventLog();
  rt.on('event', (event) => log.push(event as WireEvent));
  await new Promise<void>((resolve, reject) => {
    rt.socket.once('open', () => resolve());
    rt.socket.once('error', reject);
  });
  await log.waitFor('session.created');
  rt.send({
    type: 'session.update',
    session: { type: 'realtime', output_modalities: ['text'], tools: tools as never },
  });
  return { rt, log };
}

const docs = (extra: Record<string, unknown> = {}) => ({
  type: 'mcp',
  server_label: 'docs',
  server_url: mcp.url,
  headers: { authorization: 'Bearer docs-token' },
  ...extra,
});

/** Scripts the next reply to call `tool` (emulator control message, sent on the same socket). */
function script(rt: OpenAIRealtimeWS, tool: string, args: Record<string, unknown>): void {
  rt.socket.send(JSON.stringify({ type: 'emulator.reply', tool, arguments: args }));
}

describe('MCP tools through the emulator', () => {
  it('lists the allowed tools of the server with its secret header, as an mcp_list_tools item', async () => {
    const { log } = await connect([docs({ allowed_tools: ['lookup_opening_hours'] })]);
    const completed = await log.waitFor('mcp_list_tools.completed');
    const item = await log.waitFor(
      'conversation.item.done',
      (event) => event.item.id === completed.item_id,
    );
    expect(item.item).toMatchObject({ type: 'mcp_list_tools', server_label: 'docs' });
    expect(item.item.tools.map((tool: { name: string }) => tool.name)).toEqual([
      'lookup_opening_hours',
    ]);
    expect(item.item.tools[0]).toMatchObject({
      description: 'Look up the opening hours of a branch by city',
      input_schema: { type: 'object', required: ['city'] },
      annotations: { readOnlyHint: true },
    });
    const order = log
      .types()
      .filter((type) => type.startsWith('mcp_list_tools') || type.startsWith('conversation.item'));
    expect(order).toEqual([
      'conversation.item.added',
      'mcp_list_tools.in_progress',
      'mcp_list_tools.completed',
      'conversation.item.done',
    ]);
  });

  it('never shows the secret header or the URL path back in session.updated, and still uses them', async () => {
    const { log } = await connect([
      docs({ allowed_tools: ['lookup_opening_hours'] }),
      docs({ server_label: 'oauth', headers: null, authorization: 'docs-token' }),
    ]);
    const updated = await log.waitFor('session.updated');
    const shown = JSON.stringify(updated.session);
    expect(shown).not.toContain('docs-token');
    const [tool, oauth] = updated.session.tools;
    expect(tool).toMatchObject({ type: 'mcp', server_label: 'docs' });
    expect(tool.headers).toBeUndefined();
    expect(tool.authorization).toBeUndefined();
    expect(tool.server_url).toBe(new URL(mcp.url).origin);
    expect(tool.allowed_tools).toEqual(['lookup_opening_hours']);
    expect(oauth.authorization).toBeUndefined();
    // The listings used the secrets the client sent (the server refuses requests without them).
    const first = await log.waitFor('mcp_list_tools.completed');
    await log.waitFor('mcp_list_tools.completed', (event) => event.item_id !== first.item_id);
    expect(log.types()).not.toContain('mcp_list_tools.failed');
  });

  it('reports mcp_list_tools.failed when the server refuses the connection', async () => {
    const { log } = await connect([docs({ headers: { authorization: 'Bearer wrong' } })]);
    const failed = await log.waitFor('mcp_list_tools.failed');
    expect(failed.item_id).toMatch(/^item_/);
    expect(log.types()).not.toContain('mcp_list_tools.completed');
  });

  it('calls a tool without approval when require_approval is never, then says the result', async () => {
    const { rt, log } = await connect([docs({ require_approval: 'never' })]);
    await log.waitFor('mcp_list_tools.completed');
    const before = mcp.calls.length;
    script(rt, 'lookup_opening_hours', { city: 'Berlin' });
    rt.send({ type: 'response.create' });
    const done = await log.waitFor('response.done');
    expect(done.response.status).toBe('completed');
    expect(done.response.output.map((item: { type: string }) => item.type)).toEqual([
      'mcp_call',
      'message',
    ]);
    expect(done.response.output[0]).toMatchObject({
      server_label: 'docs',
      name: 'lookup_opening_hours',
      arguments: '{"city":"Berlin"}',
      approval_request_id: null,
      output: '{"city":"Berlin","hours":"9 to 5"}',
      error: null,
    });
    expect(done.response.output[1].content[0].text).toContain('9 to 5');
    expect(mcp.calls.slice(before)).toEqual([
      {
        name: 'lookup_opening_hours',
        args: { city: 'Berlin' },
        authorization: 'Bearer docs-token',
      },
    ]);
    const callTypes = log
      .types()
      .filter((type) => type.includes('mcp_call'))
      .filter((type, index, all) => type !== all[index - 1]);
    expect(callTypes).toEqual([
      'response.mcp_call_arguments.delta',
      'response.mcp_call_arguments.done',
      'response.mcp_call.in_progress',
      'response.mcp_call.completed',
    ]);
    const deltas = log.events
      .filter((event) => event.type === 'response.mcp_call_arguments.delta')
      .map((event) => event.delta as string);
    expect(deltas.join('')).toBe('{"city":"Berlin"}');
  });

  it('holds a response requested while the tools are still being listed until the listing ends, so it can call them', async () => {
    // Each request to this server is answered 300 ms late: its listing (three requests) is still
    // under way when the response.create right after the session.update arrives.
    const slow = await startTestMcpServer({ delayMs: 300 });
    try {
      const { rt, log } = await connect([
        docs({ server_url: slow.url, headers: null, require_approval: 'never' }),
      ]);
      script(rt, 'lookup_opening_hours', { city: 'Berlin' });
      rt.send({ type: 'response.create' });
      const done = await log.waitFor('response.done', () => true, 15_000);
      const types = log.types();
      expect(types.indexOf('response.created')).toBeLessThan(
        types.indexOf('mcp_list_tools.completed'),
      );
      expect(done.response.status).toBe('completed');
      expect(done.response.output.map((item: { type: string }) => item.type)).toEqual([
        'mcp_call',
        'message',
      ]);
      expect(done.response.output[0]).toMatchObject({
        name: 'lookup_opening_hours',
        output: '{"city":"Berlin","hours":"9 to 5"}',
      });
      expect(slow.calls).toEqual([
        { name: 'lookup_opening_hours', args: { city: 'Berlin' }, authorization: undefined },
      ]);
    } finally {
      await slow.close();
    }
  });

  it('asks for approval by default, runs the call once approved, and reports a tool error as mcp_call.failed', async () => {
    const { rt, log } = await connect([docs()]);
    await log.waitFor('mcp_list_tools.completed');
    const before = mcp.calls.length;
    script(rt, 'cancel_order', { order_number: 'A-17' });
    rt.send({ type: 'response.create' });
    const asked = await log.waitFor('response.done');
    expect(asked.response.output).toEqual([
      expect.objectContaining({
        type: 'mcp_approval_request',
        server_label: 'docs',
        name: 'cancel_order',
        arguments: '{"order_number":"A-17"}',
      }),
    ]);
    expect(mcp.calls.length).toBe(before);
    const request = asked.response.output[0] as { id: string };
    // One conversation.item.done for the request, after its response.output_item.done.
    const requestEvents = log.events
      .filter((event) => (event.item as { id?: string } | undefined)?.id === request.id)
      .map((event) => event.type);
    expect(requestEvents).toEqual([
      'response.output_item.added',
      'conversation.item.added',
      'response.output_item.done',
      'conversation.item.done',
    ]);
    const from = log.length;
    rt.send({
      type: 'conversation.item.create',
      item: {
        id: `ok_${request.id}`,
        type: 'mcp_approval_response',
        approval_request_id: request.id,
        approve: true,
      },
    });
    rt.send({ type: 'response.create' });
    const done = await log.waitFor('response.done', () => true, 15_000, from);
    expect(done.response.output[0]).toMatchObject({
      type: 'mcp_call',
      name: 'cancel_order',
      approval_request_id: request.id,
      output: null,
      error: { type: 'tool_execution_error', message: 'order not found' },
    });
    expect(log.types(from)).toContain('response.mcp_call.failed');
    expect(done.response.output[1].content[0].text).toBe(
      'The cancel_order tool failed: order not found.',
    );
    expect(mcp.calls.slice(before).map((call) => call.name)).toEqual(['cancel_order']);
  });

  it('does not call the tool when the approval is refused', async () => {
    const { rt, log } = await connect([docs()]);
    await log.waitFor('mcp_list_tools.completed');
    const before = mcp.calls.length;
    script(rt, 'cancel_order', { order_number: 'B-2' });
    rt.send({ type: 'response.create' });
    const asked = await log.waitFor('response.done');
    const from = log.length;
    rt.send({
      type: 'conversation.item.create',
      item: {
        id: `no_${(asked.response.output[0] as { id: string }).id}`,
        type: 'mcp_approval_response',
        approval_request_id: (asked.response.output[0] as { id: string }).id,
        approve: false,
      },
    });
    rt.send({ type: 'response.create' });
    const done = await log.waitFor('response.done', () => true, 15_000, from);
    expect(done.response.output.map((item: { type: string }) => item.type)).toEqual(['message']);
    expect(done.response.output[0].content[0].text).toBe("Okay, I won't run cancel_order.");
    expect(mcp.calls.length).toBe(before);
    // The client's response.create was the continuation: no second, automatic response.
    await new Promise((resolve) => setTimeout(resolve, APPROVAL_CONTINUE_MS * 2));
    expect(log.types(from).filter((type) => type === 'response.created')).toHaveLength(1);
    expect(log.types(from)).not.toContain('error');
  });

  it('continues by itself after an approval response that no response.create follows (as the Agents SDK sends it)', async () => {
    const { rt, log } = await connect([docs()]);
    await log.waitFor('mcp_list_tools.completed');
    const before = mcp.calls.length;
    script(rt, 'lookup_opening_hours', { city: 'Oslo' });
    rt.send({ type: 'response.create' });
    const asked = await log.waitFor('response.done');
    const request = asked.response.output[0] as { id: string; type: string };
    expect(request.type).toBe('mcp_approval_request');
    const from = log.length;
    rt.send({
      type: 'conversation.item.create',
      previous_item_id: request.id,
      item: {
        id: `go_${request.id}`,
        type: 'mcp_approval_response',
        approval_request_id: request.id,
        approve: true,
      },
    });
    const done = await log.waitFor('response.done', () => true, 15_000, from);
    expect(done.response.output[0]).toMatchObject({
      type: 'mcp_call',
      name: 'lookup_opening_hours',
      approval_request_id: request.id,
    });
    expect(mcp.calls.slice(before).map((call) => call.name)).toEqual(['lookup_opening_hours']);
    expect(log.types(from).filter((type) => type === 'response.created')).toHaveLength(1);
    expect(log.types(from)).not.toContain('error');
  });
});
