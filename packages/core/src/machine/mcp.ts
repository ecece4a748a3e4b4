// Remote MCP servers (session tools of `type: "mcp"`): their tool listings, the calls the server
// runs on them, and approval requests with the client's answer. The server runs MCP calls itself;
// the client only shows them, and answers approval requests (then asks for the response that
// carries on, as after tool outputs).
import type { McpItemPlacement, McpServerItem } from './mcp-family.js';
import type {
  McpApprovalRequestItem,
  McpCallError,
  McpCallItem,
  McpCallStatus,
  McpListToolsItem,
} from '../types.js';
import type { ItemChange } from './items.js';
import type { McpKit } from './mcp-family.js';
import type { ItemRecord } from './state.js';
import type { TextRope } from './text-rope.js';
import type { Transition } from './transition.js';

/**
 * The machine's item helpers, handed over when the chunk loads ({@link useMcpKit}): importing
 * them would make the bundler split the modules the entry shares with this chunk into one more
 * chunk, which costs the entry more gzipped bytes than this whole chunk saves.
 */
let kit: McpKit;

/** Gives this module the machine's item helpers (once, when the MCP chunk loads). */
export function useMcpKit(given: McpKit): void {
  kit = given;
}

function record(view: McpListToolsItem | McpCallItem | McpApprovalRequestItem, text: TextRope) {
  const base: ItemRecord = { view, text, audioSamples: 0, audioDone: false, positioned: true };
  // Calls and requests read `arguments` from the rope, like function calls.
  return view.type === 'mcp_list_tools' ? base : kit.withText(base, text);
}

/** Puts a record in place, moving it where the server says once it first says so. */
function place(
  t: Transition,
  next: ItemRecord,
  existing: ItemRecord | undefined,
  at: McpItemPlacement,
) {
  if (existing && !existing.positioned && at.positioned) {
    kit.store(t, { ...next, positioned: true });
    if (at.previousItemId) t.move(next.view.id, at.previousItemId);
    return;
  }
  kit.store(t, existing ? next : { ...next, positioned: at.positioned }, at.previousItemId);
}

function callError(error: unknown): McpCallError | null {
  if (error === null || typeof error !== 'object') return null;
  const { type, message, code } = error as { type?: unknown; message?: unknown; code?: unknown };
  return {
    type: typeof type === 'string' ? type : 'error',
    message: typeof message === 'string' ? message : '',
    code: typeof code === 'number' ? code : null,
  };
}

/** Applies an MCP item snapshot from the server (added, done, retrieved, or a response's output). */
export function applyMcpItem(t: Transition, item: McpServerItem, at: McpItemPlacement): void {
  const id = item.id;
  if (id === undefined) return;
  if (item.type === 'mcp_approval_response') {
    decide(t, item.approval_request_id, item.approve, item.reason ?? null);
    return;
  }
  const existing = t.record(id);
  if (item.type === 'mcp_list_tools') {
    const current = existing?.view.type === 'mcp_list_tools' ? existing.view : null;
    const tools = item.tools.map((tool) => ({
      name: tool.name,
      description: tool.description ?? null,
      inputSchema: tool.input_schema ?? null,
    }));
    const view: McpListToolsItem = {
      type: 'mcp_list_tools',
      id,
      serverLabel: item.server_label,
      status: current?.status ?? (at.final ? 'completed' : 'in_progress'),
      tools: tools.length > 0 || !current ? tools : current.tools,
      responseId: null,
      createdAt: current?.createdAt ?? at.wallAt,
    };
    place(t, record(view, kit.rope('')), existing, at);
    return;
  }
  const args = item.arguments.length > 0 || !existing ? kit.rope(item.arguments) : existing.text;
  if (item.type === 'mcp_call') {
    const current = existing?.view.type === 'mcp_call' ? existing.view : null;
    const error = callError(item.error);
    const output = item.output ?? current?.output ?? null;
    let status: McpCallStatus = current?.status ?? 'streaming';
    // The item that ends the call carries its output or error; the `response.mcp_call.completed`
    // or `.failed` before it does not, so the status changes with the item.
    if (error) status = 'failed';
    else if ((item.output !== undefined && item.output !== null) || at.final) status = 'completed';
    const view: McpCallItem = {
      type: 'mcp_call',
      id,
      serverLabel: item.server_label,
      name: item.name || current?.name || '',
      arguments: '',
      status,
      output,
      error: error ?? current?.error ?? null,
      approvalRequestId: item.approval_request_id ?? current?.approvalRequestId ?? null,
      responseId: current?.responseId ?? at.responseId ?? null,
      createdAt: current?.createdAt ?? at.wallAt,
    };
    place(t, record(view, args), existing, at);
    return;
  }
  const current = existing?.view.type === 'mcp_approval_request' ? existing.view : null;
  const view: McpApprovalRequestItem = {
    type: 'mcp_approval_request',
    id,
    serverLabel: item.server_label,
    name: item.name,
    arguments: '',
    decision: current?.decision ?? 'pending',
    reason: current?.reason ?? null,
    responseId: current?.responseId ?? at.responseId ?? null,
    createdAt: current?.createdAt ?? at.wallAt,
  };
  place(t, record(view, args), existing, at);
  // Asked once, when the request first appears: the session runs the app's handler, if any.
  if (!existing) {
    const stored = t.record(id);
    if (stored?.view.type === 'mcp_approval_request')
      t.effect({ type: 'mcp_approval_requested', request: stored.view });
  }
}

/** Records the decision on a request (ours, or the one the server reports). */
function decide(
  t: Transition,
  requestId: string,
  approve: boolean,
  reason: string | null,
): boolean {
  const request = t.record(requestId);
  if (request?.view.type !== 'mcp_approval_request' || request.view.decision !== 'pending')
    return false;
  kit.store(t, kit.withView(request, { decision: approve ? 'approved' : 'denied', reason }));
  return true;
}

/**
 * The app answered an approval request: send the `mcp_approval_response`, then the
 * `response.create` that lets the model go on (it runs the call, or says it will not).
 */
export function onMcpApprovalAnswer(
  t: Transition,
  requestId: string,
  approve: boolean,
  reason: string | null,
): void {
  const request = t.record(requestId);
  if (request?.view.type !== 'mcp_approval_request') {
    t.effect({
      type: 'warning',
      code: 'unknown_approval_request',
      message: `No MCP approval request '${requestId}' in the conversation.`,
    });
    return;
  }
  if (request.view.decision !== 'pending') {
    t.effect({
      type: 'warning',
      code: 'approval_already_answered',
      message: `The MCP approval request '${requestId}' was already ${request.view.decision}.`,
    });
    return;
  }
  if (!t.online) {
    t.effect({
      type: 'warning',
      code: 'not_connected',
      message: `The MCP approval request '${requestId}' cannot be answered while disconnected.`,
    });
    return;
  }
  decide(t, requestId, approve, reason);
  t.command({
    kind: 'create_item',
    previousItemId: requestId,
    item: {
      type: 'mcp_approval_response',
      approval_request_id: requestId,
      approve,
      ...(reason === null ? {} : { reason }),
    },
  });
  kit.touch(t);
  kit.requestResponse(t, 'tools');
}

function setCall(t: Transition, itemId: string, change: ItemChange<McpCallItem>, args?: TextRope) {
  const existing = t.record(itemId);
  if (existing?.view.type !== 'mcp_call') return;
  kit.store(t, args ? kit.withText(existing, args, change) : kit.withView(existing, change));
}

function setListing(t: Transition, itemId: string, status: McpListToolsItem['status']) {
  const existing = t.record(itemId);
  if (existing?.view.type !== 'mcp_list_tools') return;
  kit.store(t, kit.withView(existing, { status }));
}

/** Streamed arguments of an MCP call. */
export function appendMcpArguments(t: Transition, itemId: string, delta: string): void {
  const existing = t.record(itemId);
  if (existing?.view.type !== 'mcp_call' || existing.view.status !== 'streaming') return;
  t.put(kit.withText(existing, existing.text.append(delta)));
}

/** The final arguments of an MCP call. */
export function finalMcpArguments(t: Transition, itemId: string, args: string): void {
  const existing = t.record(itemId);
  if (existing?.view.type !== 'mcp_call' || existing.view.status !== 'streaming') return;
  setCall(t, itemId, {}, args === existing.text.toString() ? existing.text : kit.rope(args));
}

/** `response.mcp_call.*` and `mcp_list_tools.*` progress. */
export const mcpProgress = {
  callRunning: (t: Transition, itemId: string) => setCall(t, itemId, { status: 'running' }),
  listing: setListing,
};

/** A response ended without finishing its MCP calls: they will not finish. */
export function cancelMcpCalls(t: Transition, responseId: string): void {
  for (const existing of t.allRecords) {
    const view = existing.view;
    if (view.type !== 'mcp_call' || view.responseId !== responseId) continue;
    if (view.status === 'streaming' || view.status === 'running')
      kit.store(t, kit.withView(existing, { status: 'cancelled' }));
  }
}
