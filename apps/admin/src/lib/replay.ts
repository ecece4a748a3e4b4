// Pure helpers of the replay page: waveform peaks, positions on the timeline, and why a
// conversation has no player.
import type { RecordingAnswer, TimelineEntry } from '@parley/server/schemas';

/** One channel's peaks (base64, one byte per bucket) as levels 0..1. */
export function decodePeaks(base64: string): Float32Array {
  const bytes = atob(base64);
  const levels = new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) levels[i] = bytes.charCodeAt(i) / 255;
  return levels;
}

/** Peaks reduced to `columns` (the loudest of each run), for a canvas of that many pixels. */
export function columnsOf(levels: Float32Array, columns: number): Float32Array {
  const out = new Float32Array(Math.max(0, columns));
  if (levels.length === 0 || columns <= 0) return out;
  const per = levels.length / columns;
  for (let column = 0; column < columns; column++) {
    const from = Math.floor(column * per);
    const to = Math.max(from + 1, Math.floor((column + 1) * per));
    let loudest = 0;
    for (let i = from; i < to && i < levels.length; i++)
      loudest = Math.max(loudest, levels[i] ?? 0);
    out[column] = loudest;
  }
  return out;
}

/** `m:ss.t` for a position in the recording. */
export function clock(ms: number): string {
  const tenths = Math.max(0, Math.floor(ms / 100));
  const minutes = Math.floor(tenths / 600);
  const seconds = Math.floor((tenths % 600) / 10);
  return `${minutes}:${String(seconds).padStart(2, '0')}.${tenths % 10}`;
}

/** Where `atMs` falls along a recording of `durationMs`, in percent (clamped). */
export function percent(atMs: number, durationMs: number): number {
  if (durationMs <= 0) return 0;
  return Math.min(100, Math.max(0, (atMs / durationMs) * 100));
}

/** What the page says instead of a player. */
export function noRecordingText(reason: RecordingAnswer['reason']): string {
  switch (reason) {
    case 'webrtc':
      return "This was a WebRTC call: its audio went straight between the visitor's browser and the provider, so the server has no recording of it.";
    case 'direct':
      return 'The browser talked to the provider directly, so the server has no recording of this conversation.';
    case 'expired':
      return "The recording was deleted when the agent's retention period ended.";
    default:
      return 'This conversation was not recorded (recording is off for this agent version).';
  }
}

/** The transcript lines of a timeline: messages with text, in time order. */
export function transcriptLines(entries: readonly TimelineEntry[]) {
  return entries.flatMap((entry) =>
    entry.kind === 'item' && entry.type === 'message' && entry.text ? [entry] : [],
  );
}

/** The line being heard at `ms`: the last line starting at or before it. */
export function currentLine(lines: readonly { atMs: number }[], ms: number): number {
  let current = -1;
  for (const [index, line] of lines.entries()) {
    if (line.atMs <= ms) current = index;
    else break;
  }
  return current;
}
