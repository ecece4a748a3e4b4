// Everything of MCP beyond its types, as one lazily loaded chunk (see ./mcp-loader.ts): the
// machine's MCP handlers and the asking of the app's approval handler.
import type { McpHandlers, McpKit } from '../machine/mcp-family.js';
import { applyMcpItem, cancelMcpCalls, onMcpApprovalAnswer, useMcpKit } from '../machine/mcp.js';
import { mcpEventHandlers } from '../machine/server-events/mcp.js';

export { askMcpApproval } from './mcp-approvals.js';

/** The machine's MCP handlers over the machine's item helpers, handed to it with `mcp_ready`. */
export function createMcpHandlers(kit: McpKit): McpHandlers {
  useMcpKit(kit);
  return {
    mcp: true,
    events: mcpEventHandlers,
    applyItem: applyMcpItem,
    answer: onMcpApprovalAnswer,
    cancelCalls: cancelMcpCalls,
  };
}
