/**
 * Recordings in an S3-compatible bucket (AWS S3, MinIO, R2, …) through the AWS SDK's S3 client:
 * a finished file is streamed up with its length, read back whole or by byte range (the player
 * seeks with `Range`), and deleted by the retention job.
 */
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { RecordingStorage } from './recording-storage.js';

/** Where the bucket is. Credentials come from the SDK's usual chain (`AWS_ACCESS_KEY_ID`, …) unless given. */
export interface S3RecordingOptions {
  bucket: string;
  /** Key prefix inside the bucket (default none). */
  prefix?: string;
  region?: string;
  /** An S3-compatible endpoint (MinIO, R2, a local server); default AWS. */
  endpoint?: string;
  /** Path-style addressing (`endpoint/bucket/key`), which most S3-compatible servers need. */
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** The S3 adapter of the recording storage port. */
export function s3RecordingStorage(
  options: S3RecordingOptions,
): RecordingStorage & { close(): void } {
  const client = new S3Client({
    region: options.region ?? 'us-east-1',
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    forcePathStyle: options.forcePathStyle ?? options.endpoint !== undefined,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    // Checksums only where S3 requires them: the SDK's default streams uploads as `aws-chunked`
    // with a trailing checksum, which several S3-compatible servers store verbatim.
    ...(options.endpoint
      ? { requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' }
      : {}),
  });
  const key = (name: string) => `${options.prefix ?? ''}${name}`;
  return {
    kind: 's3',
    async put(name, file, contentType) {
      const { size } = await stat(file);
      await client.send(
        new PutObjectCommand({
          Bucket: options.bucket,
          Key: key(name),
          Body: createReadStream(file),
          ContentLength: size,
          ContentType: contentType,
        }),
      );
      await rm(file, { force: true });
    },
    async get(name, range) {
      try {
        const answer = await client.send(
          new GetObjectCommand({
            Bucket: options.bucket,
            Key: key(name),
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        );
        const body = answer.Body;
        if (body instanceof Readable) return body;
        if (!body) return null;
        return Readable.fromWeb(body.transformToWebStream() as never);
      } catch (error) {
        if (error instanceof NoSuchKey) return null;
        throw error;
      }
    },
    async delete(name) {
      await client.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: key(name) }));
    },
    close: () => client.destroy(),
  };
}
