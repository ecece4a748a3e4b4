import { cleanup, render } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { FunctionCallItem, McpApprovalRequestItem, McpCallItem } from '@parley/core';
import PlaygroundToolCall from './PlaygroundToolCall.svelte';

afterEach(cleanup);

const mcpCall = (patch: Partial<McpCallItem> = {}): McpCallItem => ({
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
});

const approval = (patch: Partial<McpApprovalRequestItem> = {}): McpApprovalRequestItem => ({
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
});

describe('a tool call in the playground transcript', () => {
  it('shows a function call with its duration and result', () => {
    const item: FunctionCallItem = {
      type: 'function_call',
      id: 'item_call',
      callId: 'call_1',
      name: 'search_knowledge_base',
      arguments: '{"query":"fees"}',
      status: 'completed',
      executor: 'server',
      output: '{"results":[]}',
      error: null,
      durationMs: 142,
      responseId: 'resp_1',
      createdAt: 0,
    };
    const { container, getByTestId } = render(PlaygroundToolCall, { item });
    expect(container.querySelector('.who')!.textContent).toBe(
      'Tool search_knowledge_base · completed · 142 ms',
    );
    expect(getByTestId('tool-result').textContent).toContain('"results": []');
  });

  it('shows an MCP call with its server, arguments and result, and a failed one with its error', () => {
    const done = render(PlaygroundToolCall, { item: mcpCall() });
    expect(done.container.querySelector('.who')!.textContent).toBe(
      'MCP tool lookup_opening_hours on docs · completed',
    );
    expect(done.container.textContent).toContain('"city": "Oslo"');
    expect(done.getByTestId('tool-result').textContent).toContain('"hours": "9 to 5"');
    cleanup();
    const failed = render(PlaygroundToolCall, {
      item: mcpCall({
        status: 'failed',
        output: null,
        error: { type: 'tool_execution_error', message: 'order not found', code: null },
        approvalRequestId: 'item_approval',
      }),
    });
    expect(failed.container.querySelector('.who')!.textContent).toContain('failed · approved');
    expect(failed.container.textContent).toContain('tool_execution_error: order not found');
  });

  it('shows an approval request, pending then decided with its reason', () => {
    const pending = render(PlaygroundToolCall, { item: approval() });
    expect(pending.container.querySelector('.who')!.textContent).toBe(
      'Approval request cancel_order on docs · awaiting approval',
    );
    expect(pending.container.textContent).toContain('"order_number": "A-17"');
    cleanup();
    const denied = render(PlaygroundToolCall, {
      item: approval({ decision: 'denied', reason: 'Orders are cancelled by staff.' }),
    });
    expect(denied.container.querySelector('.who')!.textContent).toContain('· denied');
    expect(denied.container.textContent).toContain('Orders are cancelled by staff.');
  });
});
