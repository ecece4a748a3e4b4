/**
 * State that several instances behind one load balancer must share, or each would keep its own
 * copy and every limit would multiply by the number of instances: rate-limit windows (session
 * requests, sign-ins), single-use relay tickets, per-client live-session slots, and the signal
 * that ends a resumed conversation's stale holder on whichever instance it lives.
 *
 * Three implementations: in memory (the embedded SQLite default, one instance), PostgreSQL (the
 * database the instances already share) and Redis (when `REDIS_URL` is set). Each operation is
 * atomic in its backend, so concurrent requests cannot overshoot a limit.
 */

import { TakeoverHub } from './takeover-signal.js';
import type { TakeoverChannel, TakeoverHandler } from './takeover-signal.js';

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
   * Takes hold of live-session slot `hold.slotId` for `hold.clientId` when fewer than `max` other
   * unexpired slots are held (atomically). The hold lasts `leaseMs` unless renewed, so a crashed
   * instance's slots free. A slot may have several holders (a resumed conversation: the slot is
   * its id, and the stale session it supersedes still holds it, maybe on another instance); it
   * counts once, and stays taken until its last holder releases.
   */
  acquireSlot(hold: SlotHold, max: number, leaseMs: number): Promise<boolean>;
  /** Extends the leases of holds this instance has. */
  renewSlots(holds: readonly SlotHold[], leaseMs: number): Promise<void>;
  /** Gives one holder's hold back (the slot stays taken while others hold it). */
  releaseSlot(hold: SlotHold): Promise<void>;
  /** Unexpired slots `clientId` holds, across instances. */
  slotsOf(clientId: string): Promise<number>;
  /**
   * The secret every instance uses under `name`: the one stored already, else `candidate`, stored
   * now. Memory and PostgreSQL return `candidate`: it comes from the database's settings, which
   * every instance on that database shares already.
   */
  sharedKey(name: string, candidate: string): Promise<string>;
  /**
   * Joins the cross-instance takeover signal as one instance (see `takeover-signal.ts`): `handler`
   * answers the other instances' takeovers, and the channel announces this one's. Memory delivers
   * within the process, PostgreSQL over LISTEN/NOTIFY on a dedicated connection, Redis over
   * pub/sub on a separate subscriber connection; both reconnect by themselves.
   */
  takeovers(handler: TakeoverHandler): TakeoverChannel;
  /** Whether the backend answers (a readiness check); true for the in-process and database ones. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

/** One holder's hold on a client's session slot. */
export interface SlotHold {
  clientId: string;
  slotId: string;
  /** Unique to the taker: each releases only its own hold. */
  holder: string;
}

/** The single-instance implementation (the embedded SQLite default, and tests). */
export function memorySharedState(now: () => number = Date.now): SharedState {
  const windows = new Map<string, { count: number; resetAt: number }>();
  const tickets = new Map<string, { grant: string; expiresAt: number }>();
  /** Per client: each holder's slot and lease expiry. */
  const slots = new Map<string, Map<string, { slotId: string; expiresAt: number }>>();
  const prune = (time: number) => {
    if (windows.size > 10_000)
      for (const [key, window] of windows) if (window.resetAt <= time) windows.delete(key);
    if (tickets.size > 1_000)
      for (const [ticket, entry] of tickets) if (entry.expiresAt <= time) tickets.delete(ticket);
  };
  const liveHolds = (clientId: string, time: number) => {
    const held = slots.get(clientId) ?? new Map<string, { slotId: string; expiresAt: number }>();
    for (const [holder, hold] of held) if (hold.expiresAt <= time) held.delete(holder);
    if (held.size === 0) slots.delete(clientId);
    return held;
  };
  /** Distinct slots among `held` (but `except`). */
  const distinct = (held: Map<string, { slotId: string }>, except?: string) =>
    new Set([...held.values()].map((hold) => hold.slotId).filter((id) => id !== except)).size;
  // Instances sharing this object (tests) hear each other; a lone instance hears nobody.
  const takeovers = new TakeoverHub(
    (message) => {
      setImmediate(() => takeovers.receive(message));
      return Promise.resolve();
    },
    () => Promise.resolve(),
  );
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
    acquireSlot({ clientId, slotId, holder }, max, leaseMs) {
      const time = now();
      const held = liveHolds(clientId, time);
      if (distinct(held, slotId) >= max) return Promise.resolve(false);
      held.set(holder, { slotId, expiresAt: time + leaseMs });
      slots.set(clientId, held);
      return Promise.resolve(true);
    },
    renewSlots(holds, leaseMs) {
      const time = now();
      for (const { clientId, holder } of holds) {
        const hold = slots.get(clientId)?.get(holder);
        if (hold) hold.expiresAt = time + leaseMs;
      }
      return Promise.resolve();
    },
    releaseSlot({ clientId, holder }) {
      const held = slots.get(clientId);
      held?.delete(holder);
      if (held?.size === 0) slots.delete(clientId);
      return Promise.resolve();
    },
    slotsOf(clientId) {
      return Promise.resolve(distinct(liveHolds(clientId, now())));
    },
    sharedKey: (_name, candidate) => Promise.resolve(candidate),
    takeovers: (handler) => takeovers.join(handler),
    ping: () => Promise.resolve(true),
    close: () => Promise.resolve(),
  };
}
