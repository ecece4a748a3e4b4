// The Live family's shared footing: its timing constants, the track id, the Live slice of the
// machine state and how a neutral command is sent. The handlers are in live-*.ts, assembled in
// live.ts.
import type { NeutralCommand } from '../protocol/index.js';
import { SAMPLES_PER_MS } from './items.js';
import type { LiveState } from './live-state.js';
import type { MachineState } from './state.js';
import type { Transition } from './transition.js';

/** A new turn of the same speaker after this much timeline between two fragments. */
export const GAP_MS = 800;
/** A turn closes after this much timeline without a fragment. */
export const CLOSE_MS = 2000;

/** The track id this session's output audio is queued under (`track`: one before a flush). */
export function liveTrackId(state: MachineState, track = state.live?.track ?? 0): string {
  return `live_track_${state.generation}${track > 0 ? `_${track}` : ''}`;
}

/**
 * Where a playback position of the output sits on the session's track, in ms (output latency
 * taken off): its played samples plus the start of its track id. 0 for a position of another id.
 */
export function trackPositionMs(
  state: MachineState,
  position: { itemId: string; playedSamples: number; outputLatencyMs: number } | null,
): number {
  const slice = state.live;
  if (position === null || slice === null) return 0;
  const track = slice.track;
  const base =
    position.itemId === liveTrackId(state, track)
      ? slice.trackBase
      : track > 0 && position.itemId === liveTrackId(state, track - 1)
        ? slice.previousBase
        : null;
  if (base === null) return 0;
  return (base + position.playedSamples) / SAMPLES_PER_MS - position.outputLatencyMs;
}

/** Sends a neutral command (the session encodes it for the wire); returns its event id. */
export function command(t: Transition, neutral: NeutralCommand): string {
  return t.command(neutral);
}

/** The Live state of a session that has not started. */
function initialLiveState(): LiveState {
  return {
    delegation: 'client',
    itemSeq: 0,
    user: null,
    assistant: null,
    clockMs: 0,
    trackSamples: 0,
    track: 0,
    trackBase: 0,
    previousBase: 0,
    starts: new Map(),
    calls: new Map(),
    delegations: new Map(),
    closeReason: null,
    secondsBefore: 0,
    seconds: 0,
    contextRatio: null,
  };
}

/** The Live slice of the state, created on first use. */
export function live(t: Transition): LiveState {
  t.state.live ??= initialLiveState();
  return t.state.live;
}

/** Replaces fields of the Live slice (a new object: snapshots compare by identity). */
export function setLive(t: Transition, change: Partial<LiveState>): void {
  t.state.live = { ...live(t), ...change };
}
