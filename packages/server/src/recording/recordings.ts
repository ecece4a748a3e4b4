/**
 * The recording service: starts the recording of a relayed connection when its agent version
 * asks for it, stores finished files (storage port + metadata row), imports GPT-Live's own
 * recordings, and runs the deletion job that enforces each agent's retention.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Logger } from '../logger.js';
import type { RecordingMark, RecordingSettings } from '../schemas.js';
import type { Store } from '../storage/store.js';
import { ConversationAudio } from './conversation-audio.js';
import type { FinishedAudio } from './conversation-audio.js';
import type * as WriterModuleType from './ogg-opus-writer.js';
import type { OggOpusWriter } from './ogg-opus-writer.js';

type WriterModule = typeof WriterModuleType;
import { scratchPath } from './recording-storage.js';
import type { RecordingStorage } from './recording-storage.js';

/** The stored files' media type (left channel the visitor, right the agent). */
export const recordingContentType = 'audio/ogg; codecs=opus';
const dayMs = 86_400_000;

/** How a stored file is typed: its media type (served with it), file extension and channels. */
export interface StoredFormat {
  contentType: string;
  extension: string;
  channels: number;
}

/** What {@link createRecordings} needs. */
export interface RecordingsOptions {
  store: Store;
  storage: RecordingStorage;
  /** Local directory for files being encoded (the data directory). */
  dataDir: string;
  log: Logger;
  now: () => Date;
  /** Monotonic milliseconds for placing audio (default `performance.now`). */
  clock?: () => number;
}

/** A conversation a recording belongs to. */
export interface RecordedConversation {
  id: string;
  agentId: string;
  settings: RecordingSettings;
}

let writerModule: Promise<WriterModule> | undefined;
/** The encoder (libopus as WebAssembly, the muxer) loads with the first recording, not at startup. */
function newWriter(path: string): Promise<OggOpusWriter> {
  writerModule ??= import('./ogg-opus-writer.js');
  return mkdir(dirname(path), { recursive: true })
    .then(() => writerModule!)
    .then(({ OggOpusWriter: Writer }) => new Writer(path));
}

/** Creates the recording service. */
export function createRecordings(options: RecordingsOptions) {
  const { store, storage, log, now } = options;
  const clock = options.clock ?? (() => performance.now());

  /** Hands a finished file to storage and records its metadata. */
  async function keep(
    conversation: RecordedConversation,
    id: string,
    source: 'relay' | 'live_import',
    audio: FinishedAudio,
    format: StoredFormat = { contentType: recordingContentType, extension: 'ogg', channels: 2 },
  ): Promise<void> {
    const key = `recordings/${conversation.id}/${id}.${format.extension}`;
    try {
      await storage.put(key, audio.file, format.contentType);
    } finally {
      await rm(audio.file, { force: true });
    }
    await store.recordings.add({
      id,
      conversationId: conversation.id,
      agentId: conversation.agentId,
      source,
      storageKey: key,
      contentType: format.contentType,
      channels: format.channels,
      durationMs: audio.durationMs,
      bytes: audio.bytes,
      startedAt: audio.startedAt.toISOString(),
      expiresAt: new Date(
        now().getTime() + conversation.settings.retentionDays * dayMs,
      ).toISOString(),
      marks: audio.marks,
      peaks: audio.peaks,
    });
  }

  /**
   * The deletion job: removes the audio of every recording past its retention and marks its row.
   * Returns how many it removed; one failure is logged and retried on the next run.
   */
  async function sweep(): Promise<number> {
    let removed = 0;
    for (;;) {
      const due = await store.recordings.expired(now());
      if (due.length === 0) return removed;
      let progressed = false;
      for (const recording of due) {
        try {
          await storage.delete(recording.storageKey);
          await store.recordings.markDeleted(recording.id);
          removed++;
          progressed = true;
        } catch (error) {
          log.warn('could not delete an expired recording', { recordingId: recording.id, error });
        }
      }
      if (!progressed) return removed;
    }
  }

  return {
    storage,
    sweep,

    /** Starts recording a relayed connection, or null when its agent version does not record. */
    start(conversation: RecordedConversation): ConversationAudio | null {
      if (!conversation.settings.enabled) return null;
      const id = randomUUID();
      const file = scratchPath(options.dataDir, id);
      return new ConversationAudio({
        writer: newWriter(file),
        file,
        clock,
        startedAt: now(),
        store: (audio) => keep(conversation, id, 'relay', audio),
        onError: (error) =>
          log.error('could not record the conversation', {
            conversationId: conversation.id,
            error,
          }),
      });
    },

    /** Stores a GPT-Live recording imported as delivered (its own media type: WAV, not Ogg Opus). */
    keepImported(
      conversation: RecordedConversation,
      id: string,
      audio: FinishedAudio,
      format?: StoredFormat,
    ) {
      return keep(conversation, id, 'live_import', audio, format);
    },

    /** A scratch file for an import. */
    scratch(id: string): string {
      return scratchPath(options.dataDir, id);
    },

    newWriter,

    /** Runs {@link sweep} now and every `intervalMs` (default hourly); returns the stop function. */
    startSweeper(intervalMs = 3600_000): () => void {
      const run = () => {
        sweep().catch((error: unknown) => log.warn('the recording deletion job failed', { error }));
      };
      run();
      const timer = setInterval(run, intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

/** See {@link createRecordings}. */
export type Recordings = ReturnType<typeof createRecordings>;

/** Marks and times of an import: GPT-Live's file carries no interruption marks. */
export function importedAudio(
  file: string,
  bytes: number,
  written: { durationMs: number; peaks: FinishedAudio['peaks'] },
  startedAt: Date,
  marks: RecordingMark[] = [],
): FinishedAudio {
  return { ...written, file, bytes, marks, startedAt };
}
