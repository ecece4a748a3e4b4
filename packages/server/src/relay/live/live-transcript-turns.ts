/**
 * Groups GPT-Live's timed transcript fragments into turns for storage: fragments carry no item
 * ids and no "done", so a turn is a run of one speaker's fragments; another speaker's fragment, or
 * the same speaker after 2 s without speech (the official grouper's assistant gap), starts a new
 * one. Fragments are concatenated as they are (they carry their own leading spaces).
 */
import type { RealtimeItem } from '@parley/core';

/** One stored turn. */
export interface TranscriptTurn {
  itemId: string;
  role: 'user' | 'assistant';
  text: string;
  endMs: number;
}

/** What the grouper tells its owner. */
export interface TurnSink {
  /** A new turn began (store it, in progress). */
  opened(turn: TranscriptTurn): void;
  /** Its text grew. */
  grew(turn: TranscriptTurn): void;
  /** It ended: `complete` false when the session was cut in the middle of it. */
  closed(turn: TranscriptTurn, complete: boolean): void;
}

const SAME_TURN_GAP_MS = 2000;

/** The transcript grouper of one relayed Live conversation. */
export class TranscriptTurns {
  private current: TranscriptTurn | null = null;
  private count = 0;

  constructor(
    private readonly prefix: string,
    private readonly sink: TurnSink,
  ) {}

  /** Adds a fragment (`session.input_transcript.delta` → user, `output` → assistant). */
  fragment(role: 'user' | 'assistant', delta: string, startMs: number, endMs: number): void {
    const current = this.current;
    if (current && current.role === role && startMs - current.endMs < SAME_TURN_GAP_MS) {
      current.text += delta;
      current.endMs = Math.max(current.endMs, endMs);
      this.sink.grew(current);
      return;
    }
    if (current) this.sink.closed(current, true);
    const turn: TranscriptTurn = {
      itemId: `${this.prefix}_${++this.count}`,
      role,
      text: delta.trimStart(),
      endMs,
    };
    this.current = turn;
    this.sink.opened(turn);
  }

  /** Ends the open turn (the session ended; `complete` false when it was cut). */
  finish(complete: boolean): void {
    if (this.current) this.sink.closed(this.current, complete);
    this.current = null;
  }
}

/** The stored message item of a turn. */
export function turnItem(
  turn: TranscriptTurn,
  status: 'in_progress' | 'completed' | 'incomplete',
): RealtimeItem {
  return {
    id: turn.itemId,
    type: 'message',
    role: turn.role,
    status,
    content: [{ type: turn.role === 'user' ? 'input_text' : 'output_text', text: turn.text }],
  };
}
