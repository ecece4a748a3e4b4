/**
 * Times each turn: from the end of the user's turn (speech stopped, audio committed, or a
 * response requested) to the first output of the reply. The figure is stored with the
 * response's usage as its latency.
 */
import { performance } from 'node:perf_hooks';

/** The latency of one turn, on the monotonic clock. */
export class TurnTimer {
  private turnEndAt: number | null = null;
  private firstOutputAt: number | null = null;

  /** @param textOutput the agent replies in text (so text deltas count as its first output). */
  constructor(private readonly textOutput: boolean) {}

  /**
   * The user's turn ended. `restart` moves the mark even when one is set (speech stopped, a
   * greeting); otherwise the first mark of the turn stays (commit, `response.create`).
   */
  turnEnded(restart = false): void {
    if (restart || this.turnEndAt === null) this.turnEndAt = performance.now();
  }

  /** The user's turn ended by voice: a new reply is awaited (a reply in progress no longer counts). */
  speechEnded(restart: boolean): void {
    this.turnEnded(restart);
    this.firstOutputAt = null;
  }

  /** An audio delta of the reply arrived. */
  audioOutput(): void {
    if (this.firstOutputAt === null) this.firstOutputAt = performance.now();
  }

  /** A text or transcript delta arrived: the first output only when the agent replies in text. */
  textOutputDelta(): void {
    if (this.firstOutputAt === null && this.textOutput) this.firstOutputAt = performance.now();
  }

  /** The reply is done: its latency in whole milliseconds (null when unknown); starts over. */
  responseDone(): number | null {
    const latency =
      this.turnEndAt !== null && this.firstOutputAt !== null
        ? Math.max(0, Math.round(this.firstOutputAt - this.turnEndAt))
        : null;
    this.turnEndAt = null;
    this.firstOutputAt = null;
    return latency;
  }
}
