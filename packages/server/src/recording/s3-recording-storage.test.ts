// The S3 adapter against a real S3-compatible server on loopback (s3rver, from npm), started here.
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { s3RecordingStorage } from './s3-recording-storage.js';

interface S3rverServer {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
const S3rver = createRequire(import.meta.url)('s3rver') as new (options: object) => S3rverServer;

async function bytesOf(stream: Readable | null): Promise<Buffer> {
  if (!stream) throw new Error('no object');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

describe('S3 recording storage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-s3-'));
  let server: S3rverServer;
  let storage: ReturnType<typeof s3RecordingStorage>;

  beforeAll(async () => {
    server = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: join(dir, 'bucket-data'),
      configureBuckets: [{ name: 'parley-recordings' }],
    });
    const { port } = await server.run();
    storage = s3RecordingStorage({
      bucket: 'parley-recordings',
      prefix: 'test/',
      endpoint: `http://127.0.0.1:${port}`,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
  });

  afterAll(async () => {
    storage.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a file, reads it whole and by byte range, and deletes it', async () => {
    const content = Buffer.alloc(70_000);
    for (let i = 0; i < content.length; i++) content[i] = (i * 7) % 251;
    const file = join(dir, 'scratch.ogg');
    writeFileSync(file, content);
    await storage.put('recordings/conv_1/rec_1.ogg', file, 'audio/ogg; codecs=opus');
    // The scratch file is handed over, not left behind.
    expect(existsSync(file)).toBe(false);

    expect(await bytesOf(await storage.get('recordings/conv_1/rec_1.ogg'))).toEqual(content);
    expect(
      await bytesOf(await storage.get('recordings/conv_1/rec_1.ogg', { start: 1000, end: 1999 })),
    ).toEqual(content.subarray(1000, 2000));

    await storage.delete('recordings/conv_1/rec_1.ogg');
    expect(await storage.get('recordings/conv_1/rec_1.ogg')).toBeNull();
    // Deleting what is gone is not an error (the retention job may run twice).
    await storage.delete('recordings/conv_1/rec_1.ogg');
  });

  it('answers null for a key never stored', async () => {
    expect(await storage.get('recordings/none/none.ogg')).toBeNull();
  });
});
