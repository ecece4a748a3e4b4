/**
 * Post-call webhooks still to deliver. A row is written before the first attempt, moved on after
 * each failed one and deleted once delivered or given up; the next start resumes what is left.
 * Before each attempt an instance claims the row (a conditional update), so two instances never
 * send the same attempt, and a crashed instance's claim lapses after one attempt's time.
 */
import type { Database } from './database.js';
import type { WebhookQueueTable } from './tables.js';

/** One queued delivery. */
export interface QueuedWebhook {
  deliveryId: string;
  conversationId: string;
  agentId: string;
  url: string;
  body: string;
  nextAttempt: number;
  dueAt: string;
}

const toQueued = (row: WebhookQueueTable): QueuedWebhook => ({
  deliveryId: row.delivery_id,
  conversationId: row.conversation_id,
  agentId: row.agent_id,
  url: row.url,
  body: row.body,
  nextAttempt: Number(row.next_attempt),
  dueAt: row.due_at,
});

/** Data access for the webhook queue. */
export function createWebhookQueueStore({ db }: Database, now: () => Date) {
  return {
    /** Queues a delivery (due now); false when that delivery is already queued. */
    async enqueue(job: Omit<QueuedWebhook, 'nextAttempt' | 'dueAt'>): Promise<boolean> {
      const at = now().toISOString();
      const result = await db
        .insertInto('webhook_queue')
        .values({
          delivery_id: job.deliveryId,
          conversation_id: job.conversationId,
          agent_id: job.agentId,
          url: job.url,
          body: job.body,
          next_attempt: 1,
          due_at: at,
          claimed_until: at,
          created_at: at,
        })
        .onConflict((oc) => oc.column('delivery_id').doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    /** Claims `attempt` of a delivery for `leaseMs`; false when another instance holds it or moved it on. */
    async claim(deliveryId: string, attempt: number, leaseMs: number): Promise<boolean> {
      const at = now();
      const result = await db
        .updateTable('webhook_queue')
        .set({ claimed_until: new Date(at.getTime() + leaseMs).toISOString() })
        .where('delivery_id', '=', deliveryId)
        .where('next_attempt', '=', attempt)
        .where('claimed_until', '<=', at.toISOString())
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** After a failed attempt: the next one and when it is due (the claim is released). */
    async reschedule(deliveryId: string, nextAttempt: number, dueAt: Date): Promise<void> {
      await db
        .updateTable('webhook_queue')
        .set({
          next_attempt: nextAttempt,
          due_at: dueAt.toISOString(),
          claimed_until: now().toISOString(),
        })
        .where('delivery_id', '=', deliveryId)
        .execute();
    },

    /** Delivered or given up. */
    async remove(deliveryId: string): Promise<void> {
      await db.deleteFrom('webhook_queue').where('delivery_id', '=', deliveryId).execute();
    },

    /** Every queued delivery, soonest first. */
    async pending(): Promise<QueuedWebhook[]> {
      const rows = await db.selectFrom('webhook_queue').selectAll().orderBy('due_at').execute();
      return rows.map(toQueued);
    },
  };
}

/** See {@link createWebhookQueueStore}. */
export type WebhookQueueStore = ReturnType<typeof createWebhookQueueStore>;
