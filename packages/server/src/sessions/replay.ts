/**
 * Replaying a stored conversation into a new upstream session (a resumed relay connection):
 * the client events that recreate it, and a check that recognises the upstream's answers to
 * them, which the browser must not see (it already shows those items) and storage must not
 * record twice.
 */
import type { ReplayItem } from '../storage/conversations-store.js';

/** Prefix of the event ids and item ids of replayed items (item ids stay within 32 characters). */
export const replayPrefix = 'parley_resume_';

/** What a call that never got its output is answered with in a replay. */
const interruptedOutput = JSON.stringify({
  error: {
    code: 'interrupted',
    message: 'The connection dropped before this call finished; ask again if it still matters.',
  },
});

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
