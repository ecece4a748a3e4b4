// Barge-in: stop the agent and truncate its item at what the user heard.
import { markTruncated } from './conversation.js';
import { SAMPLES_PER_MS } from './items.js';
import { mediaBargeIn } from './media-playback.js';
import { UNKNOWN_RESPONSE } from './sequencing.js';
import type { Transition } from './transition.js';

/**
 * Interrupts the agent: flush playback now, cancel the response if one is active (not needed
 * when the server's VAD cancels it itself), and, once the flush reports what was heard, truncate
 * the assistant item there (see `onFlushed`), also when the server had finished sending it.
 */
export function bargeIn(t: Transition, manual: boolean): void {
  const active = t.state.activeResponseId === UNKNOWN_RESPONSE ? null : t.state.activeResponseId;
  const audible = t.state.playback;
  const speaking =
    audible !== null || (active !== null && t.state.responses.get(active)?.hasOutput === true);
  if (!manual && !speaking) return;
  if (
    manual &&
    !speaking &&
    active === null &&
    t.state.createInFlight === null &&
    t.state.queuedCreate === null
  )
    return;
  if (t.state.mediaAudio) {
    // WebRTC: the server plays the audio, so it stops and truncates it (see media-playback.ts).
    mediaBargeIn(t, manual, active);
  } else {
    const target = audible?.itemId ?? latestAssistantItem(t, active);
    t.effect({ type: 'audio_flush' });
    t.state.bargeIn = { itemId: target };
    t.state.playback = null;
    t.state.silencedResponseId = active ?? audible?.responseId ?? null;
    if (manual && active !== null && t.online) {
      t.command({ kind: 'cancel_response', responseId: active });
    }
  }
  if (manual) {
    if (t.state.createInFlight !== null) t.state.cancelOnCreated = true;
    t.state.queuedCreate = null;
    t.state.awaitingResponse = false;
  }
}

function latestAssistantItem(t: Transition, responseId: string | null): string | null {
  const records = t.allRecords;
  for (let position = records.length - 1; position >= 0; position--) {
    const view = records[position]!.view;
    if (
      view.type === 'message' &&
      view.role === 'assistant' &&
      (responseId === null || view.responseId === responseId)
    ) {
      return records[position]!.audioSamples > 0 ? view.id : null;
    }
  }
  return null;
}

/** The flush resolved: truncate the interrupted item(s) at what was heard. */
export function onFlushed(
  t: Transition,
  position: { itemId: string; playedSamples: number; outputLatencyMs: number } | null,
): void {
  const barge = t.state.bargeIn;
  t.state.bargeIn = null;
  if (barge === null) return;
  if (position !== null) {
    truncateAt(
      t,
      position.itemId,
      position.playedSamples / SAMPLES_PER_MS - position.outputLatencyMs,
    );
  }
  if (barge.itemId !== null && barge.itemId !== position?.itemId) {
    // Not the item playing at the flush: heard up to its last idle point, or not at all.
    const idle = t.state.lastIdle;
    const heardMs =
      idle !== null && idle.itemId === barge.itemId ? idle.playedSamples / SAMPLES_PER_MS : 0;
    truncateAt(t, barge.itemId, heardMs);
  }
}

/** Truncates an assistant audio item at what the user heard, unless they heard all of it. */
function truncateAt(t: Transition, itemId: string, heardMs: number): void {
  const record = t.record(itemId);
  if (!record || record.view.type !== 'message' || record.view.role !== 'assistant') return;
  if (record.audioSamples === 0 || record.view.audioEndMs !== null) return;
  const receivedMs = Math.floor(record.audioSamples / SAMPLES_PER_MS);
  const audioEndMs = Math.max(0, Math.min(Math.floor(heardMs), receivedMs));
  if (record.audioDone && audioEndMs >= receivedMs) return;
  if (t.online) {
    t.command({ kind: 'truncate', itemId, audioEndMs });
  }
  markTruncated(t, itemId, audioEndMs);
}
