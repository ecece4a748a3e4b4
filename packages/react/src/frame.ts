// Where there is no requestAnimationFrame (a worker, an old test environment), ~60 Hz timers.
export function requestFrame(callback: () => void): number {
  if (typeof requestAnimationFrame === 'function') return requestAnimationFrame(callback);
  return setTimeout(callback, 16) as unknown as number;
}

export function cancelFrame(handle: number): void {
  if (typeof cancelAnimationFrame === 'function') cancelAnimationFrame(handle);
  else clearTimeout(handle);
}

/**
 * How long a change may wait for an animation frame before it is delivered anyway: frames stop in
 * a hidden tab, and effects that act on the session's state (not only paint it) still have to run.
 */
const hiddenTabDelayMs = 100;

/**
 * Subscribes `listener` to `subscribe`'s changes, delivering a burst of them as one call on the
 * next animation frame. A server's events arrive in bursts (a dozen between the end of the user's
 * speech and the reply's first audio); rendering after each would keep the main thread busy while
 * the reply's audio waits behind them, and paint shows one state per frame anyway.
 */
const pendingDeliveries = new Set<() => void>();

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
  for (const deliver of [...pendingDeliveries]) deliver();
}

export function subscribePerFrame(
  subscribe: (listener: () => void) => () => void,
  listener: () => void,
): () => void {
  let frame: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const cancel = (): void => {
    if (frame !== null) cancelFrame(frame);
    if (timer !== null) clearTimeout(timer);
    frame = null;
    timer = null;
    pendingDeliveries.delete(deliver);
  };
  const deliver = (): void => {
    cancel();
    listener();
  };
  const off = subscribe(() => {
    if (frame !== null) return;
    frame = requestFrame(deliver);
    timer = setTimeout(deliver, hiddenTabDelayMs);
    pendingDeliveries.add(deliver);
  });
  return () => {
    off();
    cancel();
  };
}
