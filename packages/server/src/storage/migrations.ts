/**
 * Schema migrations, in code so they ship inside the package. Each migration runs on both
 * backends; the only dialect branch is the full-text index (FTS5 on SQLite, a generated
 * `tsvector` column with a GIN index on PostgreSQL).
 */
import type { Kysely, MigrationProvider } from 'kysely';
import {
  createSharedStateTables,
  createSlotHoldsTable,
  dropSlotHoldsTable,
} from '../coordination/postgres-shared-state.js';
import {
  createCustomerTables,
  createPostCallTables,
  createTurnTables,
  createWebhookQueueTable,
} from './migrations-console.js';
import type { DialectName } from './dialect.js';
import { initialMigration } from './migrations-initial.js';
import { createRecordingTables } from './migrations-recordings.js';
import { createRollupTables, dropRollupTables } from './migrations-rollups.js';
import { createExperimentTables, createQueryIndexes } from './migrations-experiments.js';

export type { DialectName } from './dialect.js';

/** Creates the `outbox` table (migration `0003_outbox`). */
async function createOutboxTable(db: Kysely<unknown>): Promise<void> {
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

/** Adds `conversations.usage_seconds` (migration `0004_live_usage`): GPT-Live bills by the second. */
async function addLiveUsageSeconds(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('conversations')
    .addColumn('usage_seconds', 'real', (c) => c.notNull().defaultTo(0))
    .execute();
}

/** Adds `conversation_items.call_id` (nullable: older rows and other items have none). */
async function addItemCallId(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversation_items').addColumn('call_id', 'text').execute();
}

/** The migrations of the Parley schema, in order, for one dialect. */
export function parleyMigrations(dialect: DialectName): MigrationProvider {
  return {
    getMigrations: () =>
      Promise.resolve({
        '0001_initial': initialMigration(dialect),
        // Rate-limit windows, tickets and session slots shared by several instances.
        '0002_shared_state': { up: createSharedStateTables },
        // Notification emails kept locally when SMTP_URL is not set.
        '0003_outbox': { up: createOutboxTable },
        // Per-second usage of GPT-Live conversations (cumulative, as the API reports it).
        '0004_live_usage': { up: addLiveUsageSeconds },
        // A call item keeps its `call_id`, so replay stops matching calls by `name(arguments)`.
        '0005_item_call_id': { up: addItemCallId },
        // Per-turn latency and time in tools, with daily histograms for the percentiles.
        '0006_turns': { up: createTurnTables },
        // The customer and tags the embedding app attributes a conversation to (cost ledger).
        '0007_customers': { up: createCustomerTables },
        // Post-call analysis results and post-call webhook deliveries.
        '0008_post_call': { up: createPostCallTables },
        // Recordings of conversations: metadata, interruption marks and waveform peaks.
        '0009_recordings': { up: createRecordingTables },
        // Traffic splits between agent versions and the version each conversation was given.
        '0010_experiments': { up: createExperimentTables },
        // Post-call webhooks still to deliver: a pending retry survives a restart.
        '0011_webhook_queue': { up: createWebhookQueueTable },
        // An index the 100,000-conversation query benchmark showed missing.
        '0012_query_indexes': { up: createQueryIndexes },
        // Daily rollups of finished conversations for analytics and the ledger, filled from the
        // conversations already stored.
        '0013_rollups': { up: (db) => createRollupTables(db, dialect), down: dropRollupTables },
        // Session slots held per holder: a resume and the stale session it supersedes each
        // release only their own hold.
        '0014_slot_holds': { up: createSlotHoldsTable, down: dropSlotHoldsTable },
      }),
  };
}
