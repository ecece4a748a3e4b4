import type { ProtocolCapabilities, ProtocolFamily } from '../protocol/index.js';

// The machine's bookkeeping of a GPT-Live session (see ./live.ts), apart so that the state module
// can hold it without importing the Live handlers.

/** One open turn: its item and where it sits on the session timeline. */
export interface LiveSegment {
  readonly itemId: string;
  readonly startMs: number;
  readonly endMs: number;
}

/** A delegation of this session and its function calls. */
export interface LiveDelegation {
  readonly calls: readonly string[];
  /** The backend response that made the calls finished. */
  readonly responseDone: boolean;
  /** The one `continue_backend` after these calls was sent. */
  readonly continued: boolean;
}

/** What the machine tracks of a Live session beyond the shared state. */
export interface LiveState {
  /** Delegation mode of the running session (`client` by default). */
  readonly delegation: string;
  readonly itemSeq: number;
  readonly user: LiveSegment | null;
  readonly assistant: LiveSegment | null;
  /** Latest session timeline position seen (fragments and output audio), ms. */
  readonly clockMs: number;
  /** Output samples received on this session's track (24 kHz). */
  readonly trackSamples: number;
  /**
   * Playback track of the output: a flush drops everything later queued under the flushed id, so
   * each barge-in moves the output that follows to a new id (`track` counts them), which starts
   * `trackBase` samples into the session's track; `previousBase` is where the flushed one started.
   */
  readonly track: number;
  readonly trackBase: number;
  readonly previousBase: number;
  /** Start of each recent assistant item on this session's track, ms (for its playhead). */
  readonly starts: ReadonlyMap<string, number>;
  /** Tool calls seen (one execution per call id, whatever the duplicates). */
  readonly calls: ReadonlyMap<string, string | null>;
  readonly delegations: ReadonlyMap<string, LiveDelegation>;
  /** `session.closed` reason of the current session, once it came. */
  readonly closeReason: string | null;
  /** Billed seconds of the sessions before this one, and of this one so far. */
  readonly secondsBefore: number;
  readonly seconds: number;
  readonly contextRatio: number | null;
}

/**
 * The handlers of a protocol family with an adapter, as the state holds them: opaque here (the
 * full table, `FamilyHandlers` in ./family.ts, names the transition, which must not point back at
 * the state).
 */
export interface FamilyRef {
  readonly family: ProtocolFamily;
  /** What the family can carry (`snapshot.capabilities`). */
  readonly capabilities: ProtocolCapabilities;
}
