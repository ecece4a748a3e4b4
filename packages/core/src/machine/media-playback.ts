// The reply's audio when the transport carries it as media (WebRTC): the server plays it, so the
// machine learns what is audible from `output_audio_buffer.started/stopped/cleared`, stops it with
// `response.cancel` then `output_audio_buffer.clear`, and the server truncates the item at what it
// played (`conversation.item.truncated`). No audio samples arrive, so how much of an item's text
// was heard is estimated from the time it played and the speaking rate seen so far.
import { markTruncated } from './conversation.js';
import { withView } from './items.js';
import type { Transition } from './transition.js';

/** The assistant message a response is speaking (its latest), or null before it exists. */
function speakingItem(t: Transition, responseId: string): string | null {
  const records = t.allRecords;
  for (let position = records.length - 1; position >= 0; position--) {
    const view = records[position]!.view;
    if (view.type === 'message' && view.role === 'assistant' && view.responseId === responseId) {
      return view.id;
    }
  }
  return null;
}

/** `output_audio_buffer.started` over media: the reply became audible now. */
export function mediaPlaybackStarted(t: Transition, responseId: string): void {
  t.state.playback = { itemId: speakingItem(t, responseId), responseId, startedAt: t.at };
}

/**
 * `output_audio_buffer.stopped` over media: the reply played to its end. Its length feeds the
 * speaking rate the heard estimates use, and becomes the item's `audioMs`.
 */
export function mediaPlaybackStopped(t: Transition): void {
  const playback = t.state.playback;
  if (playback === null || playback.startedAt === undefined || playback.responseId === null) return;
  const itemId = playback.itemId ?? speakingItem(t, playback.responseId);
  const record = itemId === null ? undefined : t.record(itemId);
  const playedMs = t.at - playback.startedAt;
  if (record === undefined || record.view.type !== 'message' || playedMs <= 0) return;
  if (record.view.interrupted) return;
  const chars = record.text.length;
  if (chars > 0) {
    const rate = t.state.spokenRate;
    t.state.spokenRate = { chars: rate.chars + chars, ms: rate.ms + playedMs };
  }
  t.put(withView(record, { audioMs: Math.round(playedMs) }));
}

/**
 * Barge-in over media. The server's VAD stops and truncates the reply itself; `interrupt()` asks
 * it to (`response.cancel` while a response is active, then `output_audio_buffer.clear` while
 * audio is audible). Either way the item is marked at what the visitor heard at once (the time it
 * played), and the server's `conversation.item.truncated` then sets where the model's copy ends.
 */
export function mediaBargeIn(t: Transition, manual: boolean, active: string | null): void {
  const audible = t.state.playback;
  if (t.online && manual) {
    if (active !== null) t.command({ kind: 'cancel_response', responseId: active });
    if (audible !== null) t.command({ kind: 'clear_output_audio' });
  }
  t.state.playback = null;
  t.state.silencedResponseId = active ?? audible?.responseId ?? null;
  if (audible === null || audible.startedAt === undefined || audible.responseId === null) return;
  const itemId = audible.itemId ?? speakingItem(t, audible.responseId);
  const record = itemId === null ? undefined : t.record(itemId);
  if (record === undefined || record.view.type !== 'message' || record.view.audioEndMs !== null)
    return;
  markTruncated(t, record.view.id, Math.max(0, Math.floor(t.at - audible.startedAt)));
}
