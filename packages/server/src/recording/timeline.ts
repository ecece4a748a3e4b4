/**
 * A conversation's timeline for the replay page: transcript items, tool calls (from their start),
 * interruptions with the heard position, and per-turn latency, in milliseconds from the first
 * recording's start (the clock the audio plays on).
 */
import type { ConversationDetail, Timeline, TimelineEntry } from '../schemas.js';
import type { StoredRecording } from '../storage/recordings-store.js';

/** Builds the timeline of `detail` against `recordings` (oldest first; expired ones count for the clock). */
export function buildTimeline(
  detail: ConversationDetail,
  recordings: readonly StoredRecording[],
): Timeline {
  const startedAt = recordings[0]?.startedAt ?? detail.conversation.startedAt;
  const zero = Date.parse(startedAt);
  const at = (iso: string) => Date.parse(iso) - zero;
  const entries: TimelineEntry[] = [];
  for (const item of detail.items) {
    entries.push({
      kind: 'item',
      atMs: at(item.createdAt),
      itemId: item.itemId,
      role: item.role,
      type: item.type,
      text: item.text,
    });
  }
  for (const call of detail.toolCalls) {
    // Stored when the call finished: it started its duration earlier.
    entries.push({
      kind: 'tool_call',
      atMs: at(call.createdAt) - (call.durationMs ?? 0),
      callId: call.callId,
      name: call.name,
      arguments: call.arguments,
      output: call.output,
      outcome: call.outcome,
      durationMs: call.durationMs,
    });
  }
  for (const recording of recordings) {
    const offset = at(recording.startedAt);
    for (const mark of recording.marks)
      entries.push({
        kind: 'interruption',
        atMs: offset + mark.atMs,
        itemId: mark.itemId,
        heardMs: mark.heardMs,
      });
  }
  // Turn n answers the visitor's n-th message: its latency runs from where that message ended
  // (the item appears when the visitor's turn ends) to the agent's first audio.
  const userItems = detail.items.filter((item) => item.role === 'user');
  const turns = [...(detail.turns ?? [])].sort((a, b) => a.seq - b.seq);
  for (const [index, turn] of turns.entries()) {
    const item = userItems[index];
    if (!item) break;
    entries.push({
      kind: 'latency',
      atMs: at(item.createdAt),
      seq: turn.seq,
      firstAudioMs: turn.firstAudioMs,
      toolMs: turn.toolMs,
    });
  }
  entries.sort((a, b) => a.atMs - b.atMs);
  return { startedAt, entries };
}
