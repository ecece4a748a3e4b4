// GPT-Live transcripts and output audio in the machine: timed fragments grouped into user and
// assistant turns, one continuous output track, barge-in and the playhead measured on the track
// (see live.ts for the rules).
import { markTruncated, store } from './conversation.js';
import { SAMPLES_PER_MS, base64Samples, newMessage, withText, withView } from './items.js';
import { touch } from './sequencing.js';
import type { ItemPlayhead } from './heard.js';
import { CLOSE_MS, GAP_MS, live, liveTrackId, setLive, trackPositionMs } from './live-base.js';
import type { LiveSegment } from './live-state.js';
import type { MachineState } from './state.js';
import { TextRope } from './text-rope.js';
import type { StampedTransition, Transition } from './transition.js';

function nextItemId(t: Transition, speaker: 'user' | 'assistant'): string {
  const seq = live(t).itemSeq + 1;
  setLive(t, { itemSeq: seq });
  return `live_${speaker === 'user' ? 'u' : 'a'}_${t.state.generation}_${seq}`;
}

export function onFragment(
  t: StampedTransition,
  speaker: 'user' | 'assistant',
  text: string,
  startMs: number | null,
  endMs: number | null,
): void {
  const state = live(t);
  const start = startMs ?? state.clockMs;
  const end = Math.max(endMs ?? start, start);
  setLive(t, { clockMs: Math.max(state.clockMs, end) });
  if (speaker === 'user') {
    const assistant = live(t).assistant;
    if (assistant !== null) {
      // The user spoke over a reply that is still playing: the model yields (it owns the turn),
      // and what is queued here must not play on. Otherwise the reply had simply ended.
      if (isPlaying(t, assistant)) bargeIn(t, assistant.itemId);
      closeSegment(t, 'assistant');
    }
    extend(t, 'user', text, start, end);
    t.state.userSpeaking = true;
  } else {
    if (live(t).user !== null) closeSegment(t, 'user');
    extend(t, 'assistant', text, start, end);
  }
  touch(t);
}

/** Whether the assistant's audio for `segment` is still ahead of the playhead. */
function isPlaying(t: Transition, segment: LiveSegment): boolean {
  return (
    t.state.playback?.itemId === segment.itemId &&
    live(t).trackSamples / SAMPLES_PER_MS > segment.startMs
  );
}

/** Appends a fragment to the speaker's open turn, or opens a new one. */
function extend(
  t: StampedTransition,
  speaker: 'user' | 'assistant',
  text: string,
  startMs: number,
  endMs: number,
): void {
  const open = live(t)[speaker];
  if (open !== null && startMs - open.endMs <= GAP_MS) {
    const record = t.record(open.itemId);
    const segment = { ...open, endMs: Math.max(open.endMs, endMs) };
    setLive(t, { [speaker]: segment });
    if (record !== undefined) {
      t.put({
        ...withText(record, record.text.append(text)),
        audioSamples: speaker === 'assistant' ? spanSamples(segment) : 0,
      });
    }
    return;
  }
  if (open !== null) closeSegment(t, speaker);
  const itemId = nextItemId(t, speaker);
  const segment: LiveSegment = { itemId, startMs, endMs };
  const record = newMessage(
    {
      id: itemId,
      role: speaker,
      modality: 'audio',
      streaming: true,
      createdAt: t.wallAt,
    },
    TextRope.of(text),
  );
  store(t, speaker === 'assistant' ? { ...record, audioSamples: spanSamples(segment) } : record);
  setLive(t, { [speaker]: segment });
  if (speaker === 'assistant') {
    const starts = new Map(live(t).starts);
    starts.set(itemId, startMs);
    // Only recent items can still be playing: keep the map small.
    if (starts.size > 16) starts.delete(starts.keys().next().value!);
    setLive(t, { starts });
    t.state.playback = { itemId, responseId: null };
    // The user's turn ended when the answer began: the turn's latency runs from there.
    t.state.turnStart = null;
  }
}

/** 24 kHz samples of the timeline span of a segment (what its audio lasts). */
function spanSamples(segment: LiveSegment): number {
  return Math.max(0, segment.endMs - segment.startMs) * SAMPLES_PER_MS;
}

/** Completes a speaker's open turn. */
export function closeSegment(t: Transition, speaker: 'user' | 'assistant'): void {
  const open = live(t)[speaker];
  if (open === null) return;
  setLive(t, { [speaker]: null });
  const record = t.record(open.itemId);
  if (record !== undefined && record.view.type === 'message') {
    store(t, { ...withView(record, { status: 'completed', streaming: false }), audioDone: true });
  }
  if (speaker === 'user') {
    t.state.userSpeaking = false;
    t.state.turnStart = t.at;
  } else if (t.state.playback?.itemId === open.itemId) {
    t.state.playback = null;
  }
}

// ── audio ──

export function onOutputAudio(t: StampedTransition, audio: string): void {
  const samples = base64Samples(audio);
  const state = live(t);
  const trackSamples = state.trackSamples + samples;
  const trackMs = trackSamples / SAMPLES_PER_MS;
  setLive(t, { trackSamples, clockMs: Math.max(state.clockMs, trackMs) });
  t.effect({ type: 'audio_enqueue', itemId: liveTrackId(t.state), audio, continuous: true });
  // No fragment for CLOSE_MS of timeline: the turns are over.
  const clock = live(t).clockMs;
  for (const speaker of ['user', 'assistant'] as const) {
    const open = live(t)[speaker];
    if (open !== null && clock - open.endMs > CLOSE_MS) closeSegment(t, speaker);
  }
}

/**
 * Flushes what is queued and marks the item interrupted once the flush says what was heard. The
 * output that follows goes under a new track id (the flushed one's later audio would be dropped),
 * starting where the received track stands.
 */
export function bargeIn(t: Transition, itemId: string): void {
  t.effect({ type: 'audio_flush' });
  const state = live(t);
  setLive(t, {
    track: state.track + 1,
    trackBase: state.trackSamples,
    previousBase: state.trackBase,
  });
  t.state.bargeIn = { itemId };
  t.state.playback = null;
}

/** The flush resolved: the interrupted item was heard up to the track position minus its start. */
export function onLiveFlushed(
  t: Transition,
  position: { itemId: string; playedSamples: number; outputLatencyMs: number } | null,
): void {
  const barge = t.state.bargeIn;
  t.state.bargeIn = null;
  if (barge === null || barge.itemId === null) return;
  const record = t.record(barge.itemId);
  const start = live(t).starts.get(barge.itemId);
  if (record === undefined || record.view.type !== 'message' || start === undefined) return;
  const heardTrackMs = trackPositionMs(t.state, position);
  const receivedMs = Math.floor(record.audioSamples / SAMPLES_PER_MS);
  const heardMs = Math.max(0, Math.min(Math.floor(heardTrackMs - start), receivedMs));
  if (heardMs >= receivedMs && receivedMs > 0) return;
  markTruncated(t, barge.itemId, heardMs);
}

/**
 * The playhead of a Live assistant item from the track's position: heard and received time
 * measured from the item's start on the session timeline.
 */
export function livePlayhead(
  state: MachineState,
  itemId: string,
  position: { itemId: string; playedSamples: number; outputLatencyMs: number } | null,
): ItemPlayhead | null {
  const start = state.live?.starts.get(itemId);
  const index = state.index.get(itemId);
  const record = index === undefined ? undefined : state.records[index];
  if (start === undefined || record === undefined) return null;
  const trackMs = trackPositionMs(state, position);
  const receivedMs = record.audioSamples / SAMPLES_PER_MS;
  return {
    itemId,
    heardMs: Math.max(0, Math.min(trackMs - start, receivedMs)),
    receivedMs,
    audioDone: record.audioDone,
    playing: state.playback?.itemId === itemId,
  };
}
