// The React binding's cadence: core's notify scheduler ticking on animation frames. Every hook
// shares it, so a frame delivers all that is due at once and React renders it as one update.
import { NOTIFY_INTERVAL_MS, createNotifyScheduler } from '@parley/core';
import type { ScheduleFunction } from '@parley/core';

// Where there is no requestAnimationFrame (a worker, an old test environment), ~60 Hz timers.
function requestFrame(callback: () => void): number {
  if (typeof requestAnimationFrame === 'function') return requestAnimationFrame(callback);
  return setTimeout(callback, 16) as unknown as number;
}

function cancelFrame(handle: number): void {
  if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(handle);
  else clearTimeout(handle);
}

/**
 * The next animation frame, or {@link NOTIFY_INTERVAL_MS} if that comes first: frames stop in a
 * hidden tab, and effects that act on the session's state (not only paint it) still have to run.
 * Paint shows one state per frame anyway, so rendering after every event of a burst would only
 * keep the main thread busy while the reply's audio waits behind it.
 */
const frameSchedule: ScheduleFunction = (tick) => {
  const frame = requestFrame(tick);
  const timer = setTimeout(tick, NOTIFY_INTERVAL_MS);
  return () => {
    cancelFrame(frame);
    clearTimeout(timer);
  };
};

/** The scheduler every hook of this package delivers through. */
export const frameScheduler = createNotifyScheduler(frameSchedule);

/**
 * Delivers every session change still waiting for its animation frame, now. For tests: wrap it
 * with the change in `act()` to assert on the rendered result without stepping frames.
 *
 * @example
 * ```tsx
 * act(() => {
 *   session.setSnapshot({ status: 'connected' });
 *   flushVoiceUpdates();
 * });
 * expect(screen.getByRole('button', { name: 'End conversation' })).toBeTruthy();
 * ```
 */
export function flushVoiceUpdates(): void {
  frameScheduler.flush();
}
