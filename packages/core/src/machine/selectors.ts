/**
 * Questions the session asks of the machine's state, answered here so that the session reads no
 * internal flag itself (like TanStack Query's observers reading `query.state` through helpers):
 * when the bookkeeping behind an answer changes, only this file changes with it.
 */
import type { Dialect } from '../protocol/index.js';
import type { MachineState } from './state.js';

/**
 * Microphone audio can go out now: the link is open, the server said `session.created`, and no
 * `session.update` is in flight (audio waits for the configuration to land, so the first turn
 * uses it; §8 of the protocol reference).
 */
export function canSendAudio(state: MachineState): boolean {
  return state.link === 'open' && state.sessionCreated && state.awaitingUpdate === null;
}

/**
 * Microphone audio is wanted at all: not muted, and a connection is open or on its way. When this
 * is false, audio is dropped (and any held while the session got ready is discarded).
 */
export function wantsMicrophoneAudio(state: MachineState): boolean {
  // A family with an adapter handles mute itself (GPT-Live's clock runs on input audio: muted,
  // the session sends silence in its place). Over media (WebRTC) the microphone is a track: no
  // audio events at all.
  return (
    (usesAdapter(state) || !state.snapshot.muted) && state.link !== 'none' && !state.mediaAudio
  );
}

/**
 * The session speaks a family with an adapter (GPT-Live): its frames go through the family's
 * reader and adapter, its events reach the machine as neutral events.
 */
export function usesAdapter(state: MachineState): boolean {
  return state.family !== null;
}

/** The wire dialect frames are parsed and serialized in. */
export function wireDialect(state: MachineState): Dialect {
  return state.dialect;
}
