/**
 * Migrations of the console's records (issue 19): per-turn latency and its daily histograms,
 * customer attribution of conversations, post-call analysis and post-call webhook deliveries.
 */
import type { Kysely } from 'kysely';

/** `0006_turns`: one row per user turn, and the histograms analytics reads percentiles from. */
export async function createTurnTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('turns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('first_audio_ms', 'integer')
    .addColumn('tool_ms', 'integer', (c) => c.notNull())
    .addColumn('tool_calls', 'integer', (c) => c.notNull())
    .addColumn('responses', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('turns_conversation').on('turns').column('conversation_id').execute();
  // Percentiles over 100,000 conversations cannot sort every turn per request: each stored turn
  // adds one to a log-scale bucket of its (agent, version, UTC day, metric) (see latency-buckets.ts).
  await db.schema
    .createTable('latency_histogram')
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('agent_version', 'integer', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('bucket', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('latency_histogram_key', [
      'day',
      'agent_id',
      'agent_version',
      'metric',
      'bucket',
    ])
    .execute();
}

/** `0007_customers`: who a conversation was for, as the embedding app said when it asked for it. */
export async function createCustomerTables(db: Kysely<unknown>): Promise<void> {
  // Written when the session is granted, before the relay starts the conversation row: no
  // foreign key (a ticket never used leaves a row that joins nothing).
  await db.schema
    .createTable('conversation_customers')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey())
    .addColumn('customer_id', 'text')
    .addColumn('tags', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('conversation_customers_customer')
    .on('conversation_customers')
    .column('customer_id')
    .execute();
}

/** `0008_post_call`: the analysis of ended conversations and every post-call webhook attempt. */
export async function createPostCallTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('conversation_analyses')
    .addColumn('conversation_id', 'text', (c) =>
      c.primaryKey().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('extracted', 'text')
    .addColumn('success', 'integer')
    .addColumn('rationale', 'text')
    .addColumn('model', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('http_status', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_created')
    .on('webhook_deliveries')
    .columns(['agent_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_conversation')
    .on('webhook_deliveries')
    .column('conversation_id')
    .execute();
}

/**
 * `0011_webhook_queue`: post-call webhooks not yet delivered or given up, so a retry waiting
 * when the server stops (or crashes) is resumed by the next start instead of being lost.
 */
export async function createWebhookQueueTable(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_queue')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) =>
      c.notNull().references('conversations.id').onDelete('cascade'),
    )
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('next_attempt', 'integer', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('claimed_until', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
