// Server events of remote MCP servers: tool listings and the progress of the calls the server
// runs. The items themselves (with tools, arguments, output, error) come with the item events;
// `response.mcp_call.completed/failed` come just before the item with the output or error, which
// is what settles the call (a call never shows completed without its output).
import { appendMcpArguments, finalMcpArguments, mcpProgress } from '../mcp.js';
import type { ServerEventHandlers } from '../transition.js';

export const mcpEventHandlers: ServerEventHandlers = {
  'mcp_list_tools.in_progress': (t, event) => mcpProgress.listing(t, event.item_id, 'in_progress'),
  'mcp_list_tools.completed': (t, event) => mcpProgress.listing(t, event.item_id, 'completed'),
  'mcp_list_tools.failed': (t, event) => mcpProgress.listing(t, event.item_id, 'failed'),
  'response.mcp_call_arguments.delta': (t, event) =>
    appendMcpArguments(t, event.item_id, event.delta),
  'response.mcp_call_arguments.done': (t, event) =>
    finalMcpArguments(t, event.item_id, event.arguments),
  'response.mcp_call.in_progress': (t, event) => mcpProgress.callRunning(t, event.item_id),
};
