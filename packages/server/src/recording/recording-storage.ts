/**
 * Where recordings' audio files live, behind a small port: the data directory by default, an
 * S3-compatible bucket when configured (./s3-recording-storage.ts). Files are written locally
 * first (the encoder streams into them), then handed to the storage whole.
 */
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat, copyFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';

/** A byte range, both ends included (as HTTP `Range` says it). */
export interface ByteRange {
  start: number;
  end: number;
}

/** The storage port. Keys are `recordings/<conversation>/<recording>.ogg`. */
export interface RecordingStorage {
  /** Takes the finished file at `file` (it may be moved away) and stores it under `key`. */
  put(key: string, file: string, contentType: string): Promise<void>;
  /** The object's bytes (a range of them), or null when it is gone. */
  get(key: string, range?: ByteRange): Promise<Readable | null>;
  /** Removes the object; a missing one is not an error. */
  delete(key: string): Promise<void>;
  /** `data-dir` or `s3`, for logs and the README. */
  readonly kind: string;
}

/** Recordings as files under `<dataDir>/recordings`. */
export function fileRecordingStorage(dataDir: string): RecordingStorage {
  const root = resolve(dataDir);
  const path = (key: string) => {
    const full = resolve(root, key);
    // Keys are made by the server, but a path never leaves the directory.
    if (!full.startsWith(root + sep))
      throw new Error(`recording key outside the data directory: ${key}`);
    return full;
  };
  return {
    kind: 'data-dir',
    async put(key, file) {
      const target = path(key);
      await mkdir(dirname(target), { recursive: true });
      try {
        await rename(file, target);
      } catch {
        // Another file system (a temp dir elsewhere): copy, then remove the original.
        await copyFile(file, target);
        await rm(file, { force: true });
      }
    },
    async get(key, range) {
      const target = path(key);
      const found = await stat(target).catch(() => null);
      if (!found) return null;
      return createReadStream(target, range ? { start: range.start, end: range.end } : {});
    },
    async delete(key) {
      await rm(path(key), { force: true });
    },
  };
}

/** Where a recording is written while it is encoded (always local). */
export function scratchPath(dataDir: string, recordingId: string): string {
  return join(resolve(dataDir), 'recordings', 'tmp', `${recordingId}.ogg`);
}
