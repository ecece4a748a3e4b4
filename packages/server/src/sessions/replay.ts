/**
 * Replaying a stored conversation into a new upstream session (a resumed relay connection):
 * the client events that recreate it, and a check that recognises the upstream's answers to
 * them, which the browser must not see (it already shows those items) and storage must not
 * record twice.
 */
import { RESUME_ITEM_PREFIX } from '@parley/core';
import type { Logger } from '../logger.js';
import type { ReplayItem } from '../storage/conversations-store.js';

/**
 * Prefix of the event ids and item ids of replayed items (item ids stay within 32 characters):
 * core's, which ignores their echoes (a WebRTC call's reach the browser on its data channel).
 */
export const replayPrefix = RESUME_ITEM_PREFIX;

/** What a call that never got its output is answered with in a replay. */
const interruptedOutput = JSON.stringify({
  error: {
    code: 'interrupted',
    message: 'The connection dropped before this call finished; ask again if it still matters.',
  },
});

type McpReplayItem = Extract<ReplayItem, { type: 'mcp_call' }>;

/**
 * What a past MCP call is replayed as: a system note of the call and its result. Not an
 * `mcp_call` item, although the official types let `conversation.item.create` carry one: that
 * `item` is the same `ConversationItem` union the server sends (it holds `mcp_list_tools` too,
 * which only the server makes), no document or recording shows the API taking a client-made
 * `mcp_call`, the emulator refuses one as the API's item-type error does (client items are
 * `message`, `function_call`, `function_call_output`, `mcp_approval_response`), and a refused
 * replay item is only logged, so the model would forget the call. Hand-made MCP items are also
 * reported to upset the API's cache of the server's tools ("MCP tool not found in cache"). Nor a
 * `function_call` pair: `mcp:<label>/<tool>` is no valid function name, and a call of a function
 * the session does not declare would teach the model to call it as one. A system message is
 * taken by every session, and GPT-Live resumes tell tool calls the same way (`live-resume-input.ts`).
 */
export function mcpCallNote(item: McpReplayItem): string {
  const call = `the tool ${item.tool} of the MCP server ${item.serverLabel} with ${item.arguments || '{}'}`;
  if (item.outcome === 'denied')
    return `Earlier in this conversation you asked to call ${call}; the call was refused (the tool is not on the approved list), so it did not run.`;
  if (item.outcome === 'error')
    return `Earlier in this conversation you called ${call}; it failed: ${item.output ?? 'no details'}`;
  return `Earlier in this conversation you called ${call}; it returned: ${item.output ?? ''}`;
}

/** The GA `conversation.item.create` events that rebuild `items`, and the item ids they use. */
export function replayEvents(items: readonly ReplayItem[]): {
  frames: string[];
  itemIds: Set<string>;
} {
  const frames: string[] = [];
  const itemIds = new Set<string>();
  let seq = 0;
  const create = (item: Record<string, unknown>) => {
    seq += 1;
    const id = `${replayPrefix}${seq}`;
    itemIds.add(id);
    frames.push(
      JSON.stringify({ type: 'conversation.item.create', event_id: id, item: { id, ...item } }),
    );
  };
  for (const item of items) {
    if (item.type === 'message') {
      create({
        type: 'message',
        role: item.role,
        content: [{ type: item.role === 'user' ? 'input_text' : 'output_text', text: item.text }],
      });
    } else if (item.type === 'mcp_call') {
      create({
        type: 'message',
        role: 'system',
        content: [{ type: 'input_text', text: mcpCallNote(item) }],
      });
    } else {
      create({
        type: 'function_call',
        call_id: item.callId,
        name: item.name,
        arguments: item.arguments,
      });
      create({
        type: 'function_call_output',
        call_id: item.callId,
        output: item.output ?? interruptedOutput,
      });
    }
  }
  return { frames, itemIds };
}

const itemEvents = new Set([
  'conversation.item.added',
  'conversation.item.created',
  'conversation.item.done',
]);

/**
 * True for an upstream event that answers a replayed item: its `conversation.item.*` events, or
 * an `error` about one of the replay's events (logged by the relay, not shown to the browser).
 */
export function isReplayAnswer(
  event: Record<string, unknown>,
  itemIds: ReadonlySet<string>,
): boolean {
  if (typeof event.type !== 'string') return false;
  if (itemEvents.has(event.type)) {
    const item = event.item as { id?: unknown } | undefined;
    return typeof item?.id === 'string' && itemIds.has(item.id);
  }
  if (event.type === 'error') {
    const eventId = (event.error as { event_id?: unknown } | undefined)?.event_id;
    return typeof eventId === 'string' && eventId.startsWith(replayPrefix);
  }
  return false;
}

/**
 * True when `event` answers a replayed item ({@link isReplayAnswer}): the caller drops it (the
 * browser shows the item already, storage holds it). A refusal of one is logged here.
 */
export function dropReplayAnswer(
  event: Record<string, unknown>,
  itemIds: ReadonlySet<string>,
  log: Logger,
  conversationId: string,
): boolean {
  if (itemIds.size === 0 || !isReplayAnswer(event, itemIds)) return false;
  if (event.type === 'error')
    log.warn('the realtime service refused a replayed item', {
      conversationId,
      error: event.error,
    });
  return true;
}
