/**
 * The MCP side of a relayed conversation (the relay and the WebRTC sideband share it): each
 * `mcp_call` the upstream made is stored like a tool call (name, arguments, output or error,
 * duration), and each `mcp_approval_request` is answered here by the agent's policy: a tool on
 * the server's `approvedTools` is approved, any other refused and stored as `denied`. The
 * visitor never decides: an anonymous browser may not authorise the business's tools (the
 * client policy refuses its `mcp_approval_response` items).
 */
import type { RealtimeItem } from '@parley/core';
import type { McpServerConfig } from '../schemas.js';
import type { ConversationRecorder } from './conversation-recorder.js';

type McpCall = Extract<RealtimeItem, { type: 'mcp_call' }>;
type McpApprovalRequest = Extract<RealtimeItem, { type: 'mcp_approval_request' }>;

/** How an MCP tool is named in the stored tool calls: `mcp:<server label>/<tool>`. */
export function mcpCallName(serverLabel: string, tool: string): string {
  return `mcp:${serverLabel}/${tool}`;
}

/** The `mcp_approval_response` the agent's policy gives to `request`. */
export function mcpApprovalAnswer(
  servers: readonly McpServerConfig[],
  request: { id: string; server_label: string; name: string },
): {
  type: 'mcp_approval_response';
  approval_request_id: string;
  approve: boolean;
  reason?: string;
} {
  const server = servers.find((entry) => entry.label === request.server_label);
  const approve = server?.approvedTools.includes(request.name) ?? false;
  return {
    type: 'mcp_approval_response',
    approval_request_id: request.id,
    approve,
    ...(approve ? {} : { reason: 'this tool is not on the agent’s approved list' }),
  };
}

/** The MCP calls and approvals of one session. */
export class McpCalls {
  /** When each `mcp_call` went in progress (ms), by item id. */
  private readonly started = new Map<string, number>();

  constructor(
    private readonly servers: readonly McpServerConfig[],
    private readonly recorder: ConversationRecorder,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** `response.mcp_call.in_progress`: the call's clock starts. */
  callStarted(itemId: string): void {
    if (!this.started.has(itemId)) this.started.set(itemId, this.clock());
  }

  /** A finished `mcp_call` item: stored as a tool call. */
  callDone(item: McpCall): void {
    const id = typeof item.id === 'string' ? item.id : '';
    const started = this.started.get(id);
    this.started.delete(id);
    const error = item.error ?? null;
    this.recorder.toolCall({
      callId: id,
      name: mcpCallName(item.server_label, item.name),
      arguments: typeof item.arguments === 'string' ? item.arguments : '',
      output: error ? JSON.stringify({ error }) : (item.output ?? null),
      outcome: error ? 'error' : 'ok',
      durationMs: started === undefined ? null : Math.round(this.clock() - started),
    });
  }

  /**
   * An approval request: the answer (a `conversation.item.create` frame) to send upstream; a
   * refusal is stored as a `denied` call.
   */
  answer(item: McpApprovalRequest): string {
    const id = typeof item.id === 'string' ? item.id : '';
    const answer = mcpApprovalAnswer(this.servers, {
      id,
      server_label: item.server_label,
      name: item.name,
    });
    if (!answer.approve)
      this.recorder.toolCall({
        callId: id,
        name: mcpCallName(item.server_label, item.name),
        arguments: typeof item.arguments === 'string' ? item.arguments : '',
        output: null,
        outcome: 'denied',
        durationMs: null,
      });
    return JSON.stringify({ type: 'conversation.item.create', item: answer });
  }
}
