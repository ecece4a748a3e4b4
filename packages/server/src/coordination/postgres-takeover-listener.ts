/**
 * The PostgreSQL side of the takeover signal: `LISTEN` on a connection of its own (a pooled one
 * would be handed to queries and lose its notifications), reconnected with backoff whenever it
 * drops, for as long as the instance runs.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Client, Notification } from 'pg';
import { TakeoverHub } from './takeover-signal.js';
import type { TakeoverChannel, TakeoverHandler } from './takeover-signal.js';

/**
 * The channel, one per schema: instances on one database but different schemas (deployments,
 * parallel tests) must not end each other's sessions. Channel names are identifiers (at most 63
 * bytes), hence the hash.
 */
export const takeoverChannelSql = "'parley_takeover_' || left(md5(current_schema()), 16)";

/** Reconnect delays: 200 ms doubling to 5 s. */
const retryDelayMs = (attempt: number) => Math.min(200 * 2 ** attempt, 5_000);

/** A running listener. */
export interface TakeoverListener {
  /** Resolves once listening the first time (never rejects: it keeps trying). */
  started: Promise<void>;
  /** Stops listening and reconnecting. */
  stop: () => void;
}

/**
 * The signal over `db`'s database: announcements and answers are `pg_notify` calls through the
 * pool, heard on `openConnection()`'s connection (none: this instance hears nothing).
 */
export function postgresTakeovers(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw SQL over any schema
  db: Kysely<any>,
  openConnection: (() => Promise<Client>) | undefined,
): { join: (handler: TakeoverHandler) => TakeoverChannel; close: () => void } {
  let stop: (() => void) | undefined;
  const hub: TakeoverHub = new TakeoverHub(
    async (message) => {
      await sql`SELECT pg_notify(${sql.raw(takeoverChannelSql)}, ${message})`.execute(db);
    },
    async () => {
      if (!openConnection) return;
      const listener = listenForTakeovers(openConnection, (message) => hub.receive(message));
      stop = listener.stop;
      await listener.started;
    },
  );
  return { join: (handler) => hub.join(handler), close: () => stop?.() };
}

/** Listens on `openConnection()`'s connections, passing each notification's payload to `receive`. */
export function listenForTakeovers(
  openConnection: () => Promise<Client>,
  receive: (message: string) => void,
): TakeoverListener {
  let stopped = false;
  let current: Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let markStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });

  const attach = async (attempt: number): Promise<void> => {
    let client: Client | undefined;
    try {
      client = await openConnection();
      if (stopped) {
        await client.end();
        return;
      }
      const { rows } = await client.query<{ channel: string }>(
        `SELECT ${takeoverChannelSql} AS channel`,
      );
      const channel = rows[0]!.channel;
      const lost = () => {
        if (current !== client) return;
        current = undefined;
        void client?.end().catch(() => undefined);
        schedule(0);
      };
      client.on('notification', (notification: Notification) => {
        if (notification.channel === channel && notification.payload) receive(notification.payload);
      });
      client.on('error', lost);
      client.on('end', lost);
      current = client;
      await client.query(`LISTEN "${channel}"`);
      markStarted();
    } catch {
      if (client && current === client) current = undefined;
      await client?.end().catch(() => undefined);
      schedule(attempt + 1);
    }
  };
  const schedule = (attempt: number) => {
    if (stopped) return;
    timer = setTimeout(() => void attach(attempt), retryDelayMs(attempt));
    timer.unref();
  };

  void attach(0);
  return {
    started,
    stop: () => {
      stopped = true;
      clearTimeout(timer);
      const client = current;
      current = undefined;
      void client?.end().catch(() => undefined);
    },
  };
}
