/**
 * The local outbox: notification emails kept in the database when no SMTP server is configured,
 * so a fresh install shows what it would have sent (the admin's Outbox page) instead of dropping it.
 */
import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { Database } from './database.js';
import type { OutboxMessage } from '../schemas.js';

/** Creates the `outbox` table (migration `0003_outbox`). */
export async function createOutboxTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('reply_to', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('outbox_created').on('outbox').column('created_at').execute();
}

/** Queries of the outbox. */
export function createOutboxStore(database: Database, now: () => Date) {
  const { db } = database;
  return {
    async add(message: {
      to: string;
      subject: string;
      body: string;
      replyTo?: string | undefined;
    }): Promise<OutboxMessage> {
      const row = {
        id: randomUUID(),
        to_address: message.to,
        subject: message.subject,
        body: message.body,
        reply_to: message.replyTo ?? null,
        created_at: now().toISOString(),
      };
      await db.insertInto('outbox').values(row).execute();
      return toMessage(row);
    },

    /** The newest first. */
    async list(options: { limit?: number } = {}): Promise<OutboxMessage[]> {
      const rows = await db
        .selectFrom('outbox')
        .selectAll()
        .orderBy('created_at', 'desc')
        .limit(options.limit ?? 200)
        .execute();
      return rows.map(toMessage);
    },
  };
}

function toMessage(row: {
  id: string;
  to_address: string;
  subject: string;
  body: string;
  reply_to: string | null;
  created_at: string;
}): OutboxMessage {
  return {
    id: row.id,
    to: row.to_address,
    subject: row.subject,
    body: row.body,
    replyTo: row.reply_to,
    createdAt: row.created_at,
  };
}

/** See {@link createOutboxStore}. */
export type OutboxStore = ReturnType<typeof createOutboxStore>;
