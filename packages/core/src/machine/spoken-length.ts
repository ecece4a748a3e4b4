// How long a text takes to say, for audio that never crosses the transport (WebRTC): the rate of
// the replies heard in full in this session, or a typical speaking rate before there is one.
import type { MachineState } from './state.js';

/** Characters per millisecond of a typical voice (about 14 characters a second). */
const DEFAULT_CHARS_PER_MS = 0.014;
/** Audio heard in full before the session's own rate is trusted over the default. */
const MIN_MEASURED_MS = 2000;

/** The estimated milliseconds of speech for `chars` characters of transcript. */
export function spokenMs(state: Pick<MachineState, 'spokenRate'>, chars: number): number {
  const { chars: heardChars, ms } = state.spokenRate;
  const rate = ms >= MIN_MEASURED_MS && heardChars > 0 ? heardChars / ms : DEFAULT_CHARS_PER_MS;
  return chars / rate;
}

/**
 * The playhead of an item playing over media at `now`: heard is the time since the server started
 * it; received is the estimated length of its text at the speaking rate (never less than heard).
 */
export function mediaPlayhead(
  state: MachineState,
  itemId: string,
  now: number,
): { heardMs: number; receivedMs: number } | null {
  const playback = state.playback;
  if (playback === null || playback.itemId !== itemId || playback.startedAt === undefined) {
    return null;
  }
  const index = state.index.get(itemId);
  const record = index === undefined ? undefined : state.records[index];
  if (record === undefined) return null;
  const heardMs = Math.max(0, now - playback.startedAt);
  return { heardMs, receivedMs: Math.max(heardMs, spokenMs(state, record.text.length)) };
}
