/**
 * The clocks that end a relayed conversation on their own: its time limit, the idle timeout
 * (reset by anything that shows the conversation is alive), and grace periods such as the one
 * after a tool asked to hang up. All are cleared together when the session ends.
 */
import type { RelayCloseReason } from './socket-pair.js';

/** Time limits of one relay session. */
export interface RelayLimits {
  maxSessionMs: number;
  idleTimeoutMs: number;
}

/** How a session ended, as stored and (with `message`) told to the browser. */
export interface SessionOutcome {
  status: 'completed' | 'failed';
  endReason: string;
  message?: string;
}

/** The limits of one session; `expire` ends it. */
export class RelayTimers {
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(
    private readonly limits: RelayLimits,
    private readonly expire: (reason: RelayCloseReason, outcome: SessionOutcome) => void,
  ) {}

  /** Starts the session's time limit and its idle timer. */
  start(): void {
    const { maxSessionMs } = this.limits;
    this.after(maxSessionMs, () =>
      this.expire('session_time_limit', {
        status: 'completed',
        endReason: 'session_time_limit',
        message: `the conversation reached its time limit of ${Math.round(maxSessionMs / 1000)} s`,
      }),
    );
    this.touch();
  }

  /** The conversation is alive: the idle timeout starts over. */
  touch(): void {
    clearTimeout(this.idleTimer);
    const { idleTimeoutMs } = this.limits;
    this.idleTimer = setTimeout(
      () =>
        this.expire('idle_timeout', {
          status: 'completed',
          endReason: 'idle_timeout',
          message: `nothing happened for ${Math.round(idleTimeoutMs / 1000)} s`,
        }),
      idleTimeoutMs,
    );
  }

  /** Runs `task` after `ms` unless the session ends first. */
  after(ms: number, task: () => void): void {
    this.timers.push(setTimeout(task, ms));
  }

  /** Clears every timer (the session ended). */
  stop(): void {
    clearTimeout(this.idleTimer);
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.length = 0;
  }
}
