import type { Clock } from '@parley/core';

/** The clock used when none is given: `performance.now()` and the global timers. */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** A throttled function plus a way to drop its pending trailing call. */
export interface Throttled<T> {
  (value: T): void;
  /** Drops a pending trailing call (used on teardown so no timer outlives its owner). */
  cancel(): void;
}

/**
 * Calls `run` at most once per `intervalMs`: the first value goes through at once, later values
 * within the window are coalesced and the latest one is delivered when the window closes. Audio
 * levels arrive every render quantum (~3 ms); a visualizer needs one value per frame at most.
 */
export function throttle<T>(
  run: (value: T) => void,
  intervalMs: number,
  clock: Clock,
): Throttled<T> {
  let lastRun = Number.NEGATIVE_INFINITY;
  let pending: { value: T } | null = null;
  let timer: unknown = null;

  const flush = () => {
    timer = null;
    if (!pending) return;
    const { value } = pending;
    pending = null;
    lastRun = clock.now();
    run(value);
  };

  const throttled = ((value: T) => {
    const elapsed = clock.now() - lastRun;
    if (elapsed >= intervalMs && timer === null) {
      lastRun = clock.now();
      run(value);
      return;
    }
    pending = { value };
    timer ??= clock.setTimeout(flush, Math.max(0, intervalMs - elapsed));
  }) as Throttled<T>;

  throttled.cancel = () => {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    pending = null;
  };
  return throttled;
}
