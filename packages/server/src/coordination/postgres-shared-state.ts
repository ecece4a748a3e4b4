/**
 * {@link SharedState} in the PostgreSQL database the instances already share: one statement per
 * operation (an upsert, a `DELETE … RETURNING`), or a transaction under a per-client advisory
 * lock for session slots, so concurrent instances cannot overshoot a limit. Takeovers go over
 * `LISTEN`/`NOTIFY` (no table): `pg_notify` through the pool, `LISTEN` on a dedicated connection.
 */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import type { Client } from 'pg';
import type { SharedState } from './shared-state.js';
import { postgresTakeovers } from './postgres-takeover-listener.js';

/** Creates the tables (migration `0002_shared_state`; the same on SQLite, where they stay unused). */
export async function createSharedStateTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('shared_windows')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addColumn('reset_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('shared_tickets')
    .addColumn('ticket', 'text', (c) => c.primaryKey())
    .addColumn('grant_json', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('shared_slots')
    .addColumn('slot_id', 'text', (c) => c.primaryKey())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('shared_slots_client')
    .on('shared_slots')
    .column('client_id')
    .execute();
}

/**
 * Creates the session-slot holds table (migration `0014_slot_holds`): one row per holder, so a
 * slot a resume took over from a still-live session has two and each releases only its own.
 * `shared_slots` (one row per slot) stays for instances of an older version during a rolling
 * upgrade; this version no longer reads it.
 */
export async function createSlotHoldsTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('shared_slot_holds')
    .addColumn('holder', 'text', (c) => c.primaryKey())
    .addColumn('slot_id', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('shared_slot_holds_client')
    .on('shared_slot_holds')
    .column('client_id')
    .execute();
}

/**
 * Undoes `0014_slot_holds`. Nothing durable is lost: a hold lives as long as its session (and
 * expires on its own), and an instance of the version before it counts slots in `shared_slots`.
 */
export async function dropSlotHoldsTable(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('shared_slot_holds').ifExists().execute();
}

/**
 * Shared state in PostgreSQL; `now` is the instance's clock (instances keep theirs in sync with
 * NTP). `openConnection` opens the dedicated connection takeovers are listened for on (without
 * it, this instance announces takeovers but hears none).
 */
export function postgresSharedState(
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw SQL over any schema
  db: Kysely<any>,
  now: () => number = Date.now,
  openConnection?: () => Promise<Client>,
): SharedState {
  const takeovers = postgresTakeovers(db, openConnection);
  let writes = 0;
  /** Expired rows go now and then, not on every write. */
  const pruneSometimes = async (time: number) => {
    writes += 1;
    if (writes % 200 !== 0) return;
    await sql`DELETE FROM shared_windows WHERE reset_at <= ${time}`.execute(db);
    await sql`DELETE FROM shared_tickets WHERE expires_at <= ${time}`.execute(db);
    await sql`DELETE FROM shared_slot_holds WHERE expires_at <= ${time}`.execute(db);
  };
  return {
    kind: 'postgres',
    async hit(key, windowMs, extendOver) {
      const time = now();
      await pruneSometimes(time);
      const fresh = time + windowMs;
      const extend = extendOver ?? 2 ** 31 - 1;
      // One upsert: the row lock serialises concurrent hits on the same key.
      const result = await sql<{ count: number; reset_at: number }>`
        INSERT INTO shared_windows AS w (key, count, reset_at) VALUES (${key}, 1, ${fresh})
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN w.reset_at <= ${time} THEN 1 ELSE w.count + 1 END,
          reset_at = CASE
            WHEN w.reset_at <= ${time} THEN ${fresh}
            WHEN w.count + 1 > ${extend} THEN ${fresh}
            ELSE w.reset_at END
        RETURNING count, reset_at`.execute(db);
      const row = result.rows[0]!;
      return { count: Number(row.count), resetInMs: Number(row.reset_at) - time };
    },
    async reset(key) {
      await sql`DELETE FROM shared_windows WHERE key = ${key}`.execute(db);
    },
    async putTicket(ticket, grant, ttlMs) {
      const time = now();
      await pruneSometimes(time);
      await sql`INSERT INTO shared_tickets (ticket, grant_json, expires_at)
        VALUES (${ticket}, ${grant}, ${time + ttlMs})`.execute(db);
    },
    async takeTicket(ticket) {
      const result = await sql<{ grant_json: string; expires_at: number }>`
        DELETE FROM shared_tickets WHERE ticket = ${ticket} RETURNING grant_json, expires_at`.execute(
        db,
      );
      const row = result.rows[0];
      return row && Number(row.expires_at) > now() ? row.grant_json : undefined;
    },
    acquireSlot({ clientId, slotId, holder }, max, leaseMs) {
      return db.transaction().execute(async (trx) => {
        const time = now();
        await sql`SELECT pg_advisory_xact_lock(hashtext(${`parley.slots.${clientId}`}))`.execute(
          trx,
        );
        await sql`DELETE FROM shared_slot_holds
          WHERE client_id = ${clientId} AND expires_at <= ${time}`.execute(trx);
        const held = await sql<{ count: number }>`
          SELECT count(DISTINCT slot_id) AS count FROM shared_slot_holds
          WHERE client_id = ${clientId} AND slot_id <> ${slotId}`.execute(trx);
        if (Number(held.rows[0]?.count ?? 0) >= max) return false;
        await sql`INSERT INTO shared_slot_holds (holder, slot_id, client_id, expires_at)
          VALUES (${holder}, ${slotId}, ${clientId}, ${time + leaseMs})
          ON CONFLICT (holder) DO UPDATE SET expires_at = EXCLUDED.expires_at`.execute(trx);
        return true;
      });
    },
    async renewSlots(holds, leaseMs) {
      if (holds.length === 0) return;
      const holders = holds.map((hold) => hold.holder);
      await sql`UPDATE shared_slot_holds SET expires_at = ${now() + leaseMs}
        WHERE holder IN (${sql.join(holders)})`.execute(db);
    },
    async releaseSlot({ holder }) {
      await sql`DELETE FROM shared_slot_holds WHERE holder = ${holder}`.execute(db);
    },
    async slotsOf(clientId) {
      const result = await sql<{ count: number }>`
        SELECT count(DISTINCT slot_id) AS count FROM shared_slot_holds
        WHERE client_id = ${clientId} AND expires_at > ${now()}`.execute(db);
      return Number(result.rows[0]?.count ?? 0);
    },
    sharedKey: (_name, candidate) => Promise.resolve(candidate),
    takeovers: (handler) => takeovers.join(handler),
    ping: () => Promise.resolve(true),
    close: () => {
      takeovers.close();
      return Promise.resolve();
    },
  };
}
