// Any server item snapshot: MCP items through the loaded MCP handlers, the rest in
// ./conversation.ts (which knows nothing of MCP).
import type { RealtimeItem } from '../protocol/index.js';
import { applyServerItem } from './conversation.js';
import { isMcpItem, mcpOf, type McpItemPlacement } from './mcp-family.js';
import type { Transition } from './transition.js';

/** Applies a server item snapshot (added, done, retrieved, or a response's output). */
export function applyItem(t: Transition, item: RealtimeItem, at: McpItemPlacement): void {
  if (isMcpItem(item)) mcpOf(t.state)?.applyItem(t, item, at);
  else applyServerItem(t, item, at);
}
