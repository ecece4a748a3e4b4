// What the relay and the WebRTC sideband both do when a response's output item or the response
// itself is done: store the item, hand a function call to the tool runner (an MCP call or
// approval request to its MCP part), store the usage with the turn's latency, and let the tool
// runner decide on the one follow-up.
import type { ServerEventOf } from '@parley/core';
import type { ConversationRecorder } from './conversation-recorder.js';
import type { RelayTimers } from './relay-timers.js';
import type { RelayToolCalls } from './relay-tool-calls.js';
import type { TurnTimer } from './turn-timer.js';
import type { TurnTracker } from './turn-tracker.js';

/** The parts of a session that record its responses. */
export interface ResponseRecordParts {
  recorder: ConversationRecorder;
  tools: RelayToolCalls;
  turn: TurnTimer;
  turns: TurnTracker;
  timers: RelayTimers;
}

/**
 * `response.output_item.done`: the item is stored; a complete function call goes to the tools,
 * an MCP call is stored as a tool call, an MCP approval request is answered by the policy.
 */
export function recordOutputItemDone(
  parts: ResponseRecordParts,
  event: ServerEventOf<'response.output_item.done'>,
  lastResponseId: string | null,
): void {
  const item = event.item;
  parts.recorder.item(item);
  const responseId =
    (typeof event.response_id === 'string' ? event.response_id : lastResponseId) ?? 'unknown';
  if (item?.type === 'mcp_call') return parts.tools.mcp.callDone(item);
  if (item?.type === 'mcp_approval_request') return parts.tools.mcpApproval(item, responseId);
  if (item?.type !== 'function_call' || item.status === 'incomplete') return;
  if (typeof item.call_id !== 'string' || item.call_id === '') return;
  parts.tools.functionCall(item, item.call_id, responseId);
}

/** `response.done`: its usage is stored with the turn's latency, then the tools may follow up. */
export function recordResponseDone(
  parts: ResponseRecordParts,
  response: ServerEventOf<'response.done'>['response'] | undefined,
  lastResponseId: string | null,
): void {
  const responseId = typeof response?.id === 'string' ? response.id : (lastResponseId ?? 'unknown');
  const latencyMs = parts.turn.responseDone();
  parts.turns.responseDone();
  parts.timers.touch();
  if (response?.usage) {
    parts.recorder.usage({
      responseId,
      status: typeof response.status === 'string' ? response.status : 'completed',
      usage: response.usage,
      latencyMs,
    });
  }
  parts.tools.responseDone(responseId);
}
