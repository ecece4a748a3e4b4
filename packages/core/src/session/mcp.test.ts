// MCP tools in the session: listings, calls the server runs, and approval requests answered by a
// handler or by the app, driven by GA server events as the API (and the emulator) sends them.
import { describe, expect, it, vi } from 'vitest';
import type { McpApprovalRequestItem, McpCallItem, McpListToolsItem } from '../types.js';
import { createTestSession, server, settle } from '../test-utils/session-kit.js';

const listing = {
  added: (itemId: string) => ({
    type: 'conversation.item.added',
    event_id: 'e_l1',
    previous_item_id: null,
    item: { id: itemId, type: 'mcp_list_tools', server_label: 'docs', tools: [] },
  }),
  progress: (itemId: string, state: 'in_progress' | 'completed' | 'failed') => ({
    type: `mcp_list_tools.${state}`,
    event_id: `e_l_${state}`,
    item_id: itemId,
  }),
  done: (itemId: string) => ({
    type: 'conversation.item.done',
    event_id: 'e_l2',
    previous_item_id: null,
    item: {
      id: itemId,
      type: 'mcp_list_tools',
      server_label: 'docs',
      tools: [
        {
          name: 'lookup_opening_hours',
          description: 'Opening hours by city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } } },
          annotations: { readOnlyHint: true },
        },
      ],
    },
  }),
};

const ref = (responseId: string, itemId: string, outputIndex = 0) => ({
  response_id: responseId,
  item_id: itemId,
  output_index: outputIndex,
});

/** The events of an `mcp_call` the server runs, ending with `outcome`. */
function mcpCall(
  responseId: string,
  itemId: string,
  args: string,
  outcome: { output: string } | { error: Record<string, unknown> } | null,
  extra: Record<string, unknown> = {},
) {
  const item = {
    id: itemId,
    type: 'mcp_call',
    server_label: 'docs',
    name: 'lookup_opening_hours',
    arguments: '',
    ...extra,
  };
  const events: Record<string, unknown>[] = [
    {
      type: 'response.output_item.added',
      event_id: `${itemId}_a`,
      response_id: responseId,
      output_index: 0,
      item,
    },
    {
      type: 'response.mcp_call_arguments.delta',
      event_id: `${itemId}_d1`,
      ...ref(responseId, itemId),
      delta: args.slice(0, 5),
    },
    {
      type: 'response.mcp_call_arguments.delta',
      event_id: `${itemId}_d2`,
      ...ref(responseId, itemId),
      delta: args.slice(5),
    },
    {
      type: 'response.mcp_call_arguments.done',
      event_id: `${itemId}_dd`,
      ...ref(responseId, itemId),
      arguments: args,
    },
    {
      type: 'response.mcp_call.in_progress',
      event_id: `${itemId}_p`,
      item_id: itemId,
      output_index: 0,
    },
  ];
  if (outcome === null) return events;
  const failed = 'error' in outcome;
  events.push(
    {
      type: failed ? 'response.mcp_call.failed' : 'response.mcp_call.completed',
      event_id: `${itemId}_c`,
      item_id: itemId,
      output_index: 0,
    },
    {
      type: 'response.output_item.done',
      event_id: `${itemId}_od`,
      response_id: responseId,
      output_index: 0,
      item: { ...item, arguments: args, ...outcome },
    },
  );
  return events;
}

const approvalRequest = (responseId: string, requestId: string) => ({
  type: 'response.output_item.added',
  event_id: `${requestId}_a`,
  response_id: responseId,
  output_index: 0,
  item: {
    id: requestId,
    type: 'mcp_approval_request',
    server_label: 'docs',
    name: 'cancel_order',
    arguments: '{"order_number":"A-17"}',
  },
});

/** Lets the MCP code load (with the first MCP event) and the events held meanwhile go through. */
async function mcpLoaded(): Promise<void> {
  await settle();
  await vi.dynamicImportSettled();
  await settle();
}

function itemOf<T>(kit: ReturnType<typeof createTestSession>, id: string): T {
  return kit.session.getSnapshot().items.find((item) => item.id === id) as T;
}

describe('MCP tools in the session', () => {
  it('shows a server listing as an mcp_list_tools item, in progress then completed with its tools', async () => {
    const kit = createTestSession();
    await kit.connect();
    kit.transport.receive(listing.added('item_l1'));
    kit.transport.receive(listing.progress('item_l1', 'in_progress'));
    await mcpLoaded();
    expect(itemOf<McpListToolsItem>(kit, 'item_l1')).toMatchObject({
      type: 'mcp_list_tools',
      serverLabel: 'docs',
      status: 'in_progress',
      tools: [],
      responseId: null,
    });
    kit.transport.receive(listing.progress('item_l1', 'completed'));
    kit.transport.receive(listing.done('item_l1'));
    await mcpLoaded();
    expect(itemOf<McpListToolsItem>(kit, 'item_l1')).toMatchObject({
      status: 'completed',
      tools: [
        {
          name: 'lookup_opening_hours',
          description: 'Opening hours by city',
          inputSchema: { type: 'object' },
        },
      ],
    });
  });

  it('marks a listing the server could not make as failed', async () => {
    const kit = createTestSession();
    await kit.connect();
    kit.transport.receive(listing.added('item_l1'));
    kit.transport.receive(listing.progress('item_l1', 'failed'));
    await mcpLoaded();
    expect(itemOf<McpListToolsItem>(kit, 'item_l1').status).toBe('failed');
  });

  it('streams an mcp_call the server runs into the snapshot with its output, and sends nothing for it', async () => {
    const kit = createTestSession();
    const finished: string[] = [];
    kit.session.on('item', (item) => finished.push(`${item.type}:${item.id}`));
    await kit.connect();
    kit.transport.receive(server.responseCreated('resp_1'));
    const events = mcpCall('resp_1', 'mcp_1', '{"city":"Berlin"}', {
      output: '{"hours":"9 to 5"}',
    });
    for (const event of events.slice(0, 3)) kit.transport.receive(event);
    await mcpLoaded();
    expect(itemOf<McpCallItem>(kit, 'mcp_1')).toMatchObject({
      status: 'streaming',
      arguments: '{"city":"Berlin"}',
      responseId: 'resp_1',
    });
    kit.transport.receive(events[3]!);
    kit.transport.receive(events[4]!);
    await mcpLoaded();
    expect(itemOf<McpCallItem>(kit, 'mcp_1').status).toBe('running');
    for (const event of events.slice(5)) kit.transport.receive(event);
    kit.transport.receive(server.responseDone('resp_1'));
    await mcpLoaded();
    expect(itemOf<McpCallItem>(kit, 'mcp_1')).toEqual({
      type: 'mcp_call',
      id: 'mcp_1',
      serverLabel: 'docs',
      name: 'lookup_opening_hours',
      arguments: '{"city":"Berlin"}',
      status: 'completed',
      output: '{"hours":"9 to 5"}',
      error: null,
      approvalRequestId: null,
      responseId: 'resp_1',
      createdAt: expect.any(Number),
    });
    expect(finished).toEqual(['mcp_call:mcp_1']);
    expect(kit.transport.sentOf('conversation.item.create')).toEqual([]);
    expect(kit.transport.sentOf('response.create')).toEqual([]);
  });

  it('keeps the error of a failed mcp_call', async () => {
    const kit = createTestSession();
    await kit.connect();
    kit.transport.receive(server.responseCreated('resp_1'));
    const error = { type: 'tool_execution_error', message: 'order not found' };
    for (const event of mcpCall('resp_1', 'mcp_1', '{"order_number":"A-17"}', { error }))
      kit.transport.receive(event);
    await mcpLoaded();
    expect(itemOf<McpCallItem>(kit, 'mcp_1')).toMatchObject({
      status: 'failed',
      output: null,
      error: { type: 'tool_execution_error', message: 'order not found', code: null },
    });
  });

  it('cancels an mcp_call its response dropped before it finished', async () => {
    const kit = createTestSession();
    await kit.connect();
    kit.transport.receive(server.responseCreated('resp_1'));
    for (const event of mcpCall('resp_1', 'mcp_1', '{"city":"Oslo"}', null))
      kit.transport.receive(event);
    kit.transport.receive(server.responseDone('resp_1', 'cancelled'));
    await mcpLoaded();
    expect(itemOf<McpCallItem>(kit, 'mcp_1').status).toBe('cancelled');
  });

  it('asks the approval handler once, sends its answer, then one response.create after the response', async () => {
    const asked: McpApprovalRequestItem[] = [];
    const kit = createTestSession({
      onMcpApproval: (request) => {
        asked.push(request);
        return true;
      },
    });
    await kit.connect();
    kit.transport.receive(server.responseCreated('resp_1'));
    kit.transport.receive(approvalRequest('resp_1', 'mcpr_1'));
    kit.transport.receive({
      ...approvalRequest('resp_1', 'mcpr_1'),
      type: 'response.output_item.done',
    });
    await mcpLoaded();
    expect(asked.map((request) => [request.id, request.name, request.arguments])).toEqual([
      ['mcpr_1', 'cancel_order', '{"order_number":"A-17"}'],
    ]);
    expect(kit.transport.sentOf('conversation.item.create')).toEqual([
      expect.objectContaining({
        previous_item_id: 'mcpr_1',
        item: { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: true },
      }),
    ]);
    // The response that asked is still going: the follow-up waits for it.
    expect(kit.transport.sentOf('response.create')).toEqual([]);
    kit.transport.receive(server.responseDone('resp_1'));
    await mcpLoaded();
    expect(kit.transport.sentOf('response.create')).toHaveLength(1);
    expect(itemOf<McpApprovalRequestItem>(kit, 'mcpr_1')).toMatchObject({
      decision: 'approved',
      reason: null,
    });
    // The server's echo of the answer changes nothing and asks nothing again.
    kit.transport.receive({
      type: 'conversation.item.added',
      event_id: 'e_echo',
      previous_item_id: 'mcpr_1',
      item: {
        id: 'mcpa_1',
        type: 'mcp_approval_response',
        approval_request_id: 'mcpr_1',
        approve: true,
      },
    });
    await mcpLoaded();
    expect(asked).toHaveLength(1);
    expect(kit.session.getSnapshot().items.map((item) => item.id)).toEqual(['mcpr_1']);
  });

  it('sends an async refusal with its reason', async () => {
    const kit = createTestSession();
    kit.session.onMcpApproval(() =>
      Promise.resolve({ approve: false, reason: 'Orders are cancelled by phone.' }),
    );
    await kit.connect();
    kit.transport.receive(server.responseCreated('resp_1'));
    kit.transport.receive(approvalRequest('resp_1', 'mcpr_1'));
    kit.transport.receive(server.responseDone('resp_1'));
    await mcpLoaded();
    expect(kit.transport.sentOf('conversation.item.create')[0]).toMatchObject({
      item: {
        type: 'mcp_approval_response',
        approval_request_id: 'mcpr_1',
        approve: false,
        reason: 'Orders are cancelled by phone.',
      },
    });
    expect(kit.transport.sentOf('response.create')).toHaveLength(1);
    expect(itemOf<McpApprovalRequestItem>(kit, 'mcpr_1')).toMatchObject({
      decision: 'denied',
      reason: 'Orders are cancelled by phone.',
    });
  });

  it('refuses the call when the handler throws, and reports the error', async () => {
    const kit = createTestSession({
      onMcpApproval: () => {
        throw new Error('handler bug');
      },
    });
    await kit.connect();
    kit.transport.receive(server.responseCreated('resp_1'));
    kit.transport.receive(approvalRequest('resp_1', 'mcpr_1'));
    await mcpLoaded();
    expect(itemOf<McpApprovalRequestItem>(kit, 'mcpr_1').decision).toBe('denied');
    expect(kit.transport.sentOf('conversation.item.create')[0]).toMatchObject({
      item: { approve: false, reason: 'The approval handler failed.' },
    });
    expect(kit.internalErrors).toEqual([new Error('handler bug')]);
  });

  it('without a handler keeps the request pending until the app answers, once', async () => {
    const kit = createTestSession();
    const warnings: string[] = [];
    kit.session.on('warning', (warning) => warnings.push(warning.code));
    await kit.connect();
    kit.transport.receive(server.responseCreated('resp_1'));
    kit.transport.receive(approvalRequest('resp_1', 'mcpr_1'));
    kit.transport.receive(server.responseDone('resp_1'));
    await mcpLoaded();
    expect(itemOf<McpApprovalRequestItem>(kit, 'mcpr_1').decision).toBe('pending');
    expect(kit.transport.sentOf('conversation.item.create')).toEqual([]);
    kit.session.answerMcpApproval('mcpr_nope', true);
    expect(warnings).toEqual(['unknown_approval_request']);
    kit.session.answerMcpApproval('mcpr_1', true);
    kit.session.answerMcpApproval('mcpr_1', false);
    expect(warnings).toEqual(['unknown_approval_request', 'approval_already_answered']);
    expect(kit.transport.sentOf('conversation.item.create')).toHaveLength(1);
    expect(kit.transport.sentOf('response.create')).toHaveLength(1);
    expect(itemOf<McpApprovalRequestItem>(kit, 'mcpr_1').decision).toBe('approved');
  });

  it('does not replay MCP items into a new session after a reconnect', async () => {
    const kit = createTestSession();
    await kit.connect();
    kit.transport.receive(listing.added('item_l1'));
    await mcpLoaded();
    kit.session.sendText('When are you open in Oslo?');
    kit.transport.receive(server.responseCreated('resp_1'));
    for (const event of mcpCall('resp_1', 'mcp_1', '{"city":"Oslo"}', { output: 'ok' }))
      kit.transport.receive(event);
    kit.transport.receive(server.responseDone('resp_1'));
    kit.transport.drop(1006, 'network');
    kit.clock.advance(375);
    await mcpLoaded();
    kit.transport.receive(server.sessionCreated({ id: 'sess_2' }));
    const restored = kit.transport.sentOf('conversation.item.create').map((event) => event.item);
    await mcpLoaded();
    expect(restored).toEqual([expect.objectContaining({ type: 'message', role: 'user' })]);
    expect(kit.session.getSnapshot().items.map((item) => item.type)).toEqual([
      'mcp_list_tools',
      'message',
      'mcp_call',
    ]);
  });
});
