/**
 * The local outbox: notification emails kept in the database when no SMTP server is configured,
 * so a fresh install shows what it would have sent (the admin's Outbox page) instead of dropping it.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from './database.js';
import type { OutboxMessage } from '../schemas.js';

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
