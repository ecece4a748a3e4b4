// Realtime events of remote MCP servers: tool listings and the progress of the calls the server
// runs. The items themselves (with tools, arguments, output, error) come with the item events;
// `response.mcp_call.completed/failed` come just before the item with the output or error, which
// is what settles the call (a call never shows completed without its output), so the adapter
// leaves them `ignored`.
import { appendMcpArguments, finalMcpArguments, mcpProgress } from '../mcp.js';
import type { NeutralEventHandlers } from '../transition.js';

export const mcpEventHandlers: NeutralEventHandlers = {
  mcp_listing: (t, event) => mcpProgress.listing(t, event.itemId, event.status),
  mcp_arguments: (t, { itemId, text, done }) =>
    done ? finalMcpArguments(t, itemId, text) : appendMcpArguments(t, itemId, text),
  mcp_call_running: (t, event) => mcpProgress.callRunning(t, event.itemId),
};
