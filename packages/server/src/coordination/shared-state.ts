/**
 * State that several instances behind one load balancer must share, or each would keep its own
 * copy and every limit would multiply by the number of instances: rate-limit windows (session
 * requests, sign-ins), single-use relay tickets, and per-client live-session slots.
 *
 * Three implementations: in memory (the embedded SQLite default, one instance), PostgreSQL (the
 * database the instances already share) and Redis (when `REDIS_URL` is set). Each operation is
 * atomic in its backend, so concurrent requests cannot overshoot a limit.
 */

/** Outcome of {@link SharedState.hit}. */
export interface WindowCount {
  /** Hits in the current window, this one included. */
  count: number;
  /** Milliseconds until the window ends. */
  resetInMs: number;
}

/** Shared, atomic state (see the module comment). */
export interface SharedState {
  readonly kind: 'memory' | 'postgres' | 'redis';
  /**
   * Counts one hit on `key` in a fixed window of `windowMs`, atomically. With `extendOver`, a
   * hit that makes the count exceed it restarts the window: a client that keeps trying while
   * refused stays refused (backoff), and one that stops is let in again after a window.
   */
  hit(key: string, windowMs: number, extendOver?: number): Promise<WindowCount>;
  /** Forgets `key`'s window. */
  reset(key: string): Promise<void>;
  /** Stores a single-use ticket for `ttlMs`. */
  putTicket(ticket: string, grant: string, ttlMs: number): Promise<void>;
  /** Removes and returns a ticket's grant; undefined when unknown, used or expired. */
  takeTicket(ticket: string): Promise<string | undefined>;
  /**
   * Takes a live-session slot `slotId` for `clientId` when fewer than `max` other unexpired slots
   * are held (atomically). The slot lasts `leaseMs` unless renewed, so a crashed instance's slots
   * free. Taking a slot already held (a resumed conversation: the slot is its id) renews it.
   */
  acquireSlot(clientId: string, slotId: string, max: number, leaseMs: number): Promise<boolean>;
  /** Extends the leases of slots this instance holds. */
  renewSlots(
    slots: readonly { clientId: string; slotId: string }[],
    leaseMs: number,
  ): Promise<void>;
  /** Gives a slot back. */
  releaseSlot(clientId: string, slotId: string): Promise<void>;
  /** Unexpired slots `clientId` holds, across instances. */
  slotsOf(clientId: string): Promise<number>;
  /**
   * The secret every instance uses under `name`: the one stored already, else `candidate`, stored
   * now. Memory and PostgreSQL return `candidate`: it comes from the database's settings, which
   * every instance on that database shares already.
   */
  sharedKey(name: string, candidate: string): Promise<string>;
  /** Whether the backend answers (a readiness check); true for the in-process and database ones. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** The single-instance implementation (the embedded SQLite default, and tests). */
export function memorySharedState(now: () => number = Date.now): SharedState {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const tickets = new Map<string, { grant: string; expiresAt: number }>();
  const slots = new Map<string, Map<string, number>>();
  const prune = (time: number) => {
    if (windows.size > 10_000)
      for (const [key, window] of windows) if (window.resetAt <= time) windows.delete(key);
    if (tickets.size > 1_000)
      for (const [ticket, entry] of tickets) if (entry.expiresAt <= time) tickets.delete(ticket);
  };
  const liveSlots = (clientId: string, time: number) => {
    const held = slots.get(clientId);
    if (!held) return undefined;
    for (const [slotId, expiresAt] of held) if (expiresAt <= time) held.delete(slotId);
    if (held.size === 0) slots.delete(clientId);
    return held.size === 0 ? undefined : held;
  };
  return {
    kind: 'memory',
    hit(key, windowMs, extendOver) {
      const time = now();
      prune(time);
      let window = windows.get(key);
      if (!window || window.resetAt <= time) {
        window = { count: 0, resetAt: time + windowMs };
        windows.set(key, window);
      }
      window.count += 1;
      if (extendOver !== undefined && window.count > extendOver) window.resetAt = time + windowMs;
      return Promise.resolve({ count: window.count, resetInMs: window.resetAt - time });
    },
    reset(key) {
      windows.delete(key);
      return Promise.resolve();
    },
    putTicket(ticket, grant, ttlMs) {
      prune(now());
      tickets.set(ticket, { grant, expiresAt: now() + ttlMs });
      return Promise.resolve();
    },
    takeTicket(ticket) {
      const entry = tickets.get(ticket);
      tickets.delete(ticket);
      return Promise.resolve(entry && entry.expiresAt > now() ? entry.grant : undefined);
    },
    acquireSlot(clientId, slotId, max, leaseMs) {
      const time = now();
      const held = liveSlots(clientId, time) ?? new Map<string, number>();
      if (held.size - (held.has(slotId) ? 1 : 0) >= max) return Promise.resolve(false);
      held.set(slotId, time + leaseMs);
      slots.set(clientId, held);
      return Promise.resolve(true);
    },
    renewSlots(renewed, leaseMs) {
      const time = now();
      for (const { clientId, slotId } of renewed) {
        const held = slots.get(clientId);
        if (held?.has(slotId)) held.set(slotId, time + leaseMs);
      }
      return Promise.resolve();
    },
    releaseSlot(clientId, slotId) {
      const held = slots.get(clientId);
      held?.delete(slotId);
      if (held?.size === 0) slots.delete(clientId);
      return Promise.resolve();
    },
    slotsOf(clientId) {
      return Promise.resolve(liveSlots(clientId, now())?.size ?? 0);
    },
    sharedKey: (_name, candidate) => Promise.resolve(candidate),
    ping: () => Promise.resolve(true),
    close: () => Promise.resolve(),
  };
}
