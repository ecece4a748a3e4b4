// When views hear of changes. A session changes in bursts (a dozen events between the end of the
// user's speech and the reply's first audio), reports levels every few milliseconds, and moves its
// playhead without any event at all. Views want one update per frame or per interval, not one per
// event: the scheduler collects what is due and runs it on the binding's tick. Modelled on TanStack
// Query's notifyManager: batching lives here once, and each binding only passes its schedule.
import type { Clock } from '../ports.js';

/**
 * The cadence of view updates, in milliseconds: a clock-driven binding (Svelte) ticks at most
 * this often, and a frame-driven one (React) falls back to it when animation frames stop (a hidden
 * tab), so effects that act on the session's state keep running. 50 ms is 20 updates a second:
 * smooth for a level meter, and a spoken word lasts about 300 ms.
 */
export const NOTIFY_INTERVAL_MS = 50;

/**
 * Runs `tick` once, later (on the next animation frame, after a delay, …), and returns a function
 * that cancels it. May call `tick` synchronously when it is due at once.
 */
export type ScheduleFunction = (tick: () => void) => () => void;

/** Collects callbacks and runs each once on the next tick of its schedule. */
export interface NotifyScheduler {
  /**
   * Runs `callback` on the next tick. Scheduling the same function again before then still runs
   * it once: that is what turns a burst of changes into one update.
   */
  readonly schedule: (callback: () => void) => void;
  /** Takes `callback` back if it is waiting for a tick (a view that unsubscribed meanwhile). */
  readonly cancel: (callback: () => void) => void;
  /**
   * Runs every callback that is due, now, and cancels the pending tick. For tests, and for a
   * binding that must deliver before it yields. Callbacks scheduled while it runs wait for the
   * next tick, so a callback that schedules itself again (polling) cannot loop here.
   */
  readonly flush: () => void;
}

/**
 * A scheduler ticking on `schedule`. A callback that throws does not keep the others from
 * running; the first error is rethrown once all have run.
 *
 * @example
 * ```ts
 * const scheduler = createNotifyScheduler(clockSchedule(systemClock));
 * const off = session.subscribe(() => scheduler.schedule(render));
 * // …and when the view goes away:
 * off();
 * scheduler.cancel(render);
 * ```
 */
export function createNotifyScheduler(schedule: ScheduleFunction): NotifyScheduler {
  let pending = new Set<() => void>();
  let cancelTick: (() => void) | null = null;
  // Counts ticks asked for, so a schedule that ran its tick synchronously (and maybe asked for the
  // next one inside it) is not mistaken for the pending one.
  let requested = 0;
  let ticking = false;

  const stopTick = (): void => {
    cancelTick?.();
    cancelTick = null;
    ticking = false;
  };

  const flush = (): void => {
    stopTick();
    const due = pending;
    pending = new Set();
    let failure: { error: unknown } | null = null;
    for (const callback of due) {
      try {
        callback();
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure) throw failure.error;
  };

  return {
    schedule: (callback) => {
      pending.add(callback);
      if (ticking) return;
      ticking = true;
      const request = ++requested;
      const cancel = schedule(flush);
      if (ticking && request === requested) cancelTick = cancel;
    },
    cancel: (callback) => {
      if (pending.delete(callback) && pending.size === 0) stopTick();
    },
    flush,
  };
}

/**
 * Ticks on `clock` at most once per `intervalMs`: a tick due when the last one is at least
 * `intervalMs` old runs at once (a level meter moves on the first report), later ones wait for the
 * interval to close. The bindings' fake clocks drive it in tests.
 */
export function clockSchedule(
  clock: Clock,
  intervalMs: number = NOTIFY_INTERVAL_MS,
): ScheduleFunction {
  let lastTick = Number.NEGATIVE_INFINITY;
  return (tick) => {
    const run = (): void => {
      lastTick = clock.now();
      tick();
    };
    const wait = lastTick + intervalMs - clock.now();
    if (wait <= 0) {
      run();
      return () => undefined;
    }
    const timer = clock.setTimeout(run, wait);
    return () => clock.clearTimeout(timer);
  };
}
