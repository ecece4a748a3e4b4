import type { Clock } from './ports.js';

/**
 * The real clock: `performance.now()` for durations, `Date.now()` for timestamps, global timers.
 * The only place in core that reads the time; everything else takes a {@link Clock}.
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout: (callback, ms) => globalThis.setTimeout(callback, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as ReturnType<typeof setTimeout>),
};
