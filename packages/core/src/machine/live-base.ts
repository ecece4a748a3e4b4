// The Live family's shared footing: its timing constants, the track id, the Live slice of the
// machine state and how a neutral command is sent. The handlers are in live-*.ts, assembled in
// live.ts.
import type { NeutralCommand } from '../protocol/index.js';
import type { LiveState } from './live-state.js';
import type { MachineState } from './state.js';
import type { Transition } from './transition.js';

/** A new turn of the same speaker after this much timeline between two fragments. */
export const GAP_MS = 800;
/** A turn closes after this much timeline without a fragment. */
export const CLOSE_MS = 2000;

/** The track id this session's output audio is queued under. */
export function liveTrackId(state: MachineState): string {
  return `live_track_${state.generation}`;
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
