import type { FunctionCallItem, McpApprovalRequestItem, McpCallItem } from '@parley/core';
import { functionCallItem } from '@parley/core/test-utils';

export { assistantMessage } from '@parley/core/test-utils';

/** A knowledge-base call the relay ran, as the demo's agents make them. */
export function functionCall(patch: Partial<FunctionCallItem> = {}): FunctionCallItem {
  return functionCallItem({
    name: 'search_knowledge_base',
    arguments: '{"query":"fees"}',
    executor: 'server',
    output: '{"results":[{"title":"Fees"}]}',
    durationMs: 142,
    ...patch,
  });
}

/** An MCP call the server ran on the `docs` server. */
export function mcpCall(patch: Partial<McpCallItem> = {}): McpCallItem {
  return {
    type: 'mcp_call',
    id: 'item_mcp',
    serverLabel: 'docs',
    name: 'lookup_opening_hours',
    arguments: '{"city":"Oslo"}',
    status: 'completed',
    output: '{"hours":"9 to 5"}',
    error: null,
    approvalRequestId: null,
    responseId: 'resp_1',
    createdAt: 0,
    ...patch,
  };
}

/** An approval request for an MCP tool, pending until decided. */
export function mcpApproval(patch: Partial<McpApprovalRequestItem> = {}): McpApprovalRequestItem {
  return {
    type: 'mcp_approval_request',
    id: 'item_approval',
    serverLabel: 'docs',
    name: 'cancel_order',
    arguments: '{"order_number":"A-17"}',
    decision: 'pending',
    reason: null,
    responseId: 'resp_1',
    createdAt: 0,
    ...patch,
  };
}
