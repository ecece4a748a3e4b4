import { describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { defineTool } from '../tools/define-tool.js';
import { clientDelegation } from '../test-utils/live-sequences.js';
import { createTestSession, settle } from '../test-utils/session-kit.js';
import type { Credentials } from '../ports.js';
import type { FunctionCallItem } from '../types.js';

// A browser tool under GPT-Live client delegation: the Parley server is the backend, and when its
// backend model calls one of the agent's browser tools the relay hands the call to the page as the
// `response.event` a Responses delegation carries. The session runs it by the same path (one run,
// arguments validated by the tool's schema) and sends its output back as a
// `function_call_output` — with no `response.create`: under client delegation there is no
// upstream backend response to continue; the server's own loop takes the output.

const delegationId = 'item_9tA2bF3h7K9m2P5q8R1s4';
const started = clientDelegation.steps.find((step) => step.from === 'server')!.event;

/** The call the relay mirrors for the server's backend (no response id: not Live's backend). */
function mirroredCall(callId: string, name: string, args: string) {
  return {
    type: 'response.event',
    delegation_id: delegationId,
    event: {
      type: 'response.output_item.done',
      output_index: 0,
      item: {
        type: 'function_call',
        id: `fc_${callId}`,
        call_id: callId,
        name,
        arguments: args,
        status: 'completed',
      },
    },
  };
}

async function relayedClientDelegation(execute: (args: { street: string }) => unknown) {
  const kit = createTestSession({
    credentials: () =>
      Promise.resolve<Credentials>({
        url: 'wss://relay.test/v1/realtime',
        protocol: 'live',
        managedSession: true,
        serverRunsTools: true,
      }),
    liveSession: { model: 'gpt-live-1.1' },
    tools: [
      defineTool({
        name: 'highlight_listing',
        parameters: z.object({ street: z.enum(['Elm Street', 'Oak Avenue']) }),
        execute,
      }),
    ],
  });
  void kit.session.connect();
  await vi.waitFor(() => {
    if (kit.transport.connections.length === 0) throw new Error('not open yet');
  });
  await settle();
  kit.transport.receive(started);
  kit.transport.receive({
    type: 'session.delegation.created',
    event_id: 'event_d1',
    offset_ms: 4600,
    delegation: { id: delegationId, type: 'delegation', target: 'client' },
  });
  return kit;
}

const card = (kit: Awaited<ReturnType<typeof relayedClientDelegation>>) =>
  kit.session
    .getSnapshot()
    .items.find((item): item is FunctionCallItem => item.type === 'function_call');

describe('a browser tool called by the server-side backend of a client delegation', () => {
  it('runs once with validated arguments and sends one function_call_output, never a response.create', async () => {
    const calls: unknown[] = [];
    const kit = await relayedClientDelegation((args) => {
      calls.push(args);
      return { highlighted: true };
    });
    const call = mirroredCall('call_hl1', 'highlight_listing', '{"street":"Elm Street"}');
    kit.transport.receive(call);
    kit.transport.receive(call); // a duplicate never runs it twice
    await vi.waitFor(() => expect(kit.transport.sentOf('response.item.create')).toHaveLength(1));
    await settle();
    expect(calls).toEqual([{ street: 'Elm Street' }]);
    // The relay started the session: the page sends only the output.
    expect(kit.transport.sentTypes()).toEqual(['response.item.create']);
    expect(kit.transport.sentOf('response.item.create')[0]!.item).toEqual({
      type: 'function_call_output',
      call_id: 'call_hl1',
      output: '{"highlighted":true}',
    });
    expect(card(kit)).toMatchObject({
      name: 'highlight_listing',
      executor: 'client',
      status: 'completed',
      output: '{"highlighted":true}',
    });
  });

  it("arguments the tool's schema refuses get an honest error output, and the tool does not run", async () => {
    const calls: unknown[] = [];
    const kit = await relayedClientDelegation((args) => calls.push(args));
    kit.transport.receive(mirroredCall('call_hl2', 'highlight_listing', '{"street":"Main Road"}'));
    await vi.waitFor(() => expect(kit.transport.sentOf('response.item.create')).toHaveLength(1));
    expect(calls).toEqual([]);
    const sent = kit.transport.sentOf('response.item.create')[0]!.item as { output: string };
    expect(JSON.parse(sent.output)).toMatchObject({ error: { code: 'invalid_arguments' } });
    expect(card(kit)).toMatchObject({ status: 'failed', executor: 'client' });
    expect(kit.transport.sentOf('response.create')).toEqual([]);
  });

  it("the server's timeout result (parley.tool_output) completes the card; the tool's late result sends nothing", async () => {
    let finish: (value: unknown) => void = () => undefined;
    const kit = await relayedClientDelegation(
      () =>
        new Promise((resolve) => {
          finish = resolve;
        }),
    );
    kit.transport.receive(mirroredCall('call_hl3', 'highlight_listing', '{"street":"Oak Avenue"}'));
    await settle();
    expect(card(kit)).toMatchObject({ status: 'running', executor: 'client' });
    const timeout =
      '{"error":{"code":"timeout","message":"the browser did not answer within 30 s"}}';
    kit.transport.receive({ type: 'parley.tool_output', call_id: 'call_hl3', output: timeout });
    await settle();
    expect(card(kit)).toMatchObject({ status: 'failed', output: timeout });
    finish({ highlighted: true });
    await settle();
    expect(kit.transport.sentTypes()).toEqual([]);
    expect(card(kit)).toMatchObject({ status: 'failed', output: timeout });
  });
});
