/** Migration of recordings (issue 19 §1): one row per recorded connection of a conversation. */
import type { Kysely } from 'kysely';

/** `0009_recordings`: the audio's metadata, marks and peaks; the audio is in recording storage. */
export async function createRecordingTables(db: Kysely<unknown>): Promise<void> {
  // No foreign key to conversations: the row outlives nothing it points at, and the deletion job
  // must still find the object to remove if a conversation row went first.
  await db.schema
    .createTable('recordings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('agent_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('storage_key', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('channels', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('marks', 'text', (c) => c.notNull())
    .addColumn('peaks', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Set by the deletion job: the row stays, so the console can say the audio expired.
    .addColumn('deleted_at', 'text')
    .execute();
  await db.schema
    .createIndex('recordings_conversation')
    .on('recordings')
    .column('conversation_id')
    .execute();
  await db.schema.createIndex('recordings_expires').on('recordings').column('expires_at').execute();
}
