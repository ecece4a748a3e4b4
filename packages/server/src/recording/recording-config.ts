/** How a server records: where files go (data directory or S3) and how often expired ones are deleted. */
import { join, resolve } from 'node:path';
import type { Logger } from '../logger.js';
import type { Store } from '../storage/store.js';
import { fileRecordingStorage } from './recording-storage.js';
import type { RecordingStorage } from './recording-storage.js';
import { createRecordings } from './recordings.js';
import type { Recordings } from './recordings.js';
import { s3RecordingStorage } from './s3-recording-storage.js';

/** The `recording` option of the server. */
export interface RecordingOptions {
  /** Storage of the audio. Default: an S3 bucket when `PARLEY_RECORDINGS_S3_BUCKET` is set, else the data directory. */
  storage?: RecordingStorage;
  /** Local directory for recordings (and files being encoded). Default the data directory. */
  dataDir?: string;
  /** How often the deletion job runs. Default hourly. */
  sweepIntervalMs?: number;
  /** Monotonic clock for placing audio (tests). */
  clock?: () => number;
}

/** The recording service of a server, with its deletion job running; `stop()` ends the job. */
export function startRecordings(
  options: RecordingOptions | undefined,
  env: NodeJS.ProcessEnv,
  parts: { store: Store; log: Logger; now: () => Date; dataDir: string | undefined },
): Recordings & { stop(): void } {
  const dataDir = resolve(
    options?.dataDir ?? parts.dataDir ?? env.PARLEY_DATA_DIR ?? '.parley-data',
  );
  const bucket = env.PARLEY_RECORDINGS_S3_BUCKET;
  const s3 =
    options?.storage === undefined && bucket
      ? s3RecordingStorage({
          bucket,
          ...(env.PARLEY_RECORDINGS_S3_PREFIX ? { prefix: env.PARLEY_RECORDINGS_S3_PREFIX } : {}),
          ...(env.PARLEY_RECORDINGS_S3_REGION ? { region: env.PARLEY_RECORDINGS_S3_REGION } : {}),
          ...(env.PARLEY_RECORDINGS_S3_ENDPOINT
            ? { endpoint: env.PARLEY_RECORDINGS_S3_ENDPOINT }
            : {}),
        })
      : undefined;
  const storage = options?.storage ?? s3 ?? fileRecordingStorage(join(dataDir));
  const recordings = createRecordings({
    store: parts.store,
    storage,
    dataDir,
    log: parts.log,
    now: parts.now,
    ...(options?.clock ? { clock: options.clock } : {}),
  });
  const stopSweeper = recordings.startSweeper(options?.sweepIntervalMs);
  return {
    ...recordings,
    stop() {
      stopSweeper();
      s3?.close();
    },
  };
}
