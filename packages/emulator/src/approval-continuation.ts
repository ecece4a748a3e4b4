// What happens after the client answers an MCP approval request.
//
// The reference (realtime-protocol.md §4.6, "MCP flow" step 3) says the client sends
// `conversation.item.create {mcp_approval_response}` and then `response.create`. The official
// `openai` 7.60.0 types say nothing either way (`RealtimeMcpApprovalResponse` is only the item).
// But the official Agents SDK (@openai/agents-realtime 0.20, `sendMcpResponse` in
// openaiRealtimeBase) sends the item alone, and its `approve()`/`reject()` are documented to
// "trigger the tool call": an SDK OpenAI ships and tests against its own API can only work if the
// server continues by itself. Both clients must work, so the emulator takes the reading that serves
// both: after an `mcp_approval_response` it waits {@link APPROVAL_CONTINUE_MS}; a `response.create`
// (or any other response start, e.g. server VAD) within that window is the continuation, as the
// reference describes; otherwise the emulator starts the response itself (defaults, the default
// conversation), which runs the approved call or says it will not. A client that sends
// `response.create` later than that gets `conversation_already_has_active_response` while the
// automatic response runs, as it would from a server that continues at once.
import type { ConnectionContext } from './connection-context.js';
import { defaultOverrides } from './response-overrides.js';

/**
 * How long a `response.create` may trail the approval response: wall-clock milliseconds, not
 * paced by the speech rate (the two frames of a client that sends both can arrive in separate
 * ticks even at `speechRate: Infinity`).
 */
export const APPROVAL_CONTINUE_MS = 250;

/** Arms the automatic continuation for the approval response `itemId`. */
export function awaitApprovalContinuation(context: ConnectionContext, itemId: string): void {
  context.pendingApproval = itemId;
  context.later(APPROVAL_CONTINUE_MS, () => {
    // Another approval since, or a response started (the client's, or VAD's): nothing to do.
    if (context.pendingApproval !== itemId) return;
    context.pendingApproval = null;
    if (context.responses.active || context.session.type !== 'realtime') return;
    context.responses.start(defaultOverrides());
  });
}
