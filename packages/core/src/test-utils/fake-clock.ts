import type { Clock, TimerHandle } from '../ports.js';

interface ScheduledTimer {
  id: number;
  at: number;
  callback: () => void;
}

/**
 * A {@link Clock} whose time only moves when a test says so. Timers fire in due order inside
 * {@link FakeClock.advance}, so a test of backoff, timeouts or idle limits never sleeps.
 *
 * @example
 * ```ts
 * const clock = new FakeClock();
 * clock.setTimeout(() => console.log('fired'), 100);
 * clock.advance(100); // logs 'fired'
 * ```
 */
export class FakeClock implements Clock {
  private current: number;
  private readonly wallBase: number;
  private nextId = 1;
  private timers: ScheduledTimer[] = [];

  constructor(options: { now?: number; wallNow?: number } = {}) {
    this.current = options.now ?? 0;
    this.wallBase = (options.wallNow ?? Date.UTC(2026, 0, 1)) - this.current;
  }

  now(): number {
    return this.current;
  }

  wallNow(): number {
    return this.wallBase + this.current;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { id: this.nextId++, at: this.current + Math.max(0, ms), callback };
    this.timers.push(timer);
    return timer.id;
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers = this.timers.filter((timer) => timer.id !== handle);
  }

  /** Timers not yet fired, soonest first (delays relative to now). */
  pending(): number[] {
    return this.timers.map((timer) => timer.at - this.current).sort((a, b) => a - b);
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers
        .filter((timer) => timer.at <= target)
        .sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.timers = this.timers.filter((timer) => timer !== due);
      this.current = Math.max(this.current, due.at);
      due.callback();
    }
    this.current = target;
  }

  /** Fires every pending timer (and those they schedule), up to `limit` of them. */
  runAll(limit = 1000): void {
    for (let fired = 0; fired < limit; fired++) {
      const next = [...this.timers].sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!next) return;
      this.advance(next.at - this.current);
    }
    throw new Error(`FakeClock.runAll: more than ${limit} timers fired (a timer loop?)`);
  }
}
