/** Recordings' metadata: written when a recording is stored, read by the admin API, expired by the deletion job. */
import type { RecordingMark } from '../schemas.js';
import type { Database } from './database.js';
import type { RecordingsTable } from './tables.js';

/** A recording's row as the server uses it. */
export interface StoredRecording {
  id: string;
  conversationId: string;
  agentId: string;
  source: 'relay' | 'live_import';
  storageKey: string;
  contentType: string;
  channels: number;
  durationMs: number;
  bytes: number;
  startedAt: string;
  expiresAt: string;
  marks: RecordingMark[];
  peaks: { bucketMs: number; channels: string[] };
  deletedAt: string | null;
}

/** What is written when a recording is stored. */
export type RecordingWrite = Omit<StoredRecording, 'deletedAt'>;

function toRecording(row: RecordingsTable): StoredRecording {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    agentId: row.agent_id,
    source: row.source === 'live_import' ? 'live_import' : 'relay',
    storageKey: row.storage_key,
    contentType: row.content_type,
    channels: row.channels,
    durationMs: row.duration_ms,
    bytes: row.bytes,
    startedAt: row.started_at,
    expiresAt: row.expires_at,
    marks: JSON.parse(row.marks) as RecordingMark[],
    peaks: JSON.parse(row.peaks) as StoredRecording['peaks'],
    deletedAt: row.deleted_at,
  };
}

/** Data access for recordings. */
export function createRecordingsStore(database: Database, now: () => Date) {
  const { db } = database;
  return {
    async add(recording: RecordingWrite): Promise<void> {
      await db
        .insertInto('recordings')
        .values({
          id: recording.id,
          conversation_id: recording.conversationId,
          agent_id: recording.agentId,
          source: recording.source,
          storage_key: recording.storageKey,
          content_type: recording.contentType,
          channels: recording.channels,
          duration_ms: Math.round(recording.durationMs),
          bytes: recording.bytes,
          started_at: recording.startedAt,
          expires_at: recording.expiresAt,
          marks: JSON.stringify(recording.marks),
          peaks: JSON.stringify(recording.peaks),
          created_at: now().toISOString(),
          deleted_at: null,
        })
        .execute();
    },

    /** A conversation's recordings (expired ones too, marked), oldest first. */
    async forConversation(conversationId: string): Promise<StoredRecording[]> {
      const rows = await db
        .selectFrom('recordings')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .orderBy('started_at')
        .orderBy('id')
        .execute();
      return rows.map(toRecording);
    },

    async get(id: string): Promise<StoredRecording | undefined> {
      const row = await db
        .selectFrom('recordings')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toRecording(row) : undefined;
    },

    /** Recordings past their retention whose audio is still stored (the deletion job's work). */
    async expired(at: Date, limit = 100): Promise<StoredRecording[]> {
      const rows = await db
        .selectFrom('recordings')
        .selectAll()
        .where('expires_at', '<=', at.toISOString())
        .where('deleted_at', 'is', null)
        .orderBy('expires_at')
        .limit(limit)
        .execute();
      return rows.map(toRecording);
    },

    /** Marks a recording's audio as deleted (the row stays so the console can say so). */
    async markDeleted(id: string): Promise<void> {
      await db
        .updateTable('recordings')
        .set({
          deleted_at: now().toISOString(),
          peaks: JSON.stringify({ bucketMs: 40, channels: [] }),
        })
        .where('id', '=', id)
        .execute();
    },
  };
}
