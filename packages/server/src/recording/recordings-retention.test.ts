import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../logger.js';
import { createStore } from '../storage/store.js';
import type { Store } from '../storage/store.js';
import { testBackends } from '../test-utils/databases.js';
import { fileRecordingStorage } from './recording-storage.js';
import type { RecordingStorage } from './recording-storage.js';
import { createRecordings } from './recordings.js';

const day = 86_400_000;

describe.each(testBackends())('recordings and their deletion job on $name', (backend) => {
  let store: Store;
  let dataDir: string;
  let clock = new Date('2026-06-01T12:00:00.000Z');
  const now = () => clock;

  beforeAll(async () => {
    store = createStore(await backend.open(), { now });
    dataDir = mkdtempSync(join(tmpdir(), 'parley-retention-'));
  });
  afterAll(async () => {
    await store.close();
    await backend.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Stores a recording the way the service does: a scratch file handed to storage, then the row. */
  async function stored(
    recordings: ReturnType<typeof createRecordings>,
    conversationId: string,
    retentionDays: number,
  ) {
    const id = `rec_${conversationId}`;
    const file = recordings.scratch(id);
    mkdirSync(join(dataDir, 'recordings', 'tmp'), { recursive: true });
    writeFileSync(file, Buffer.from('OggS fake audio'));
    await recordings.keepImported(
      {
        id: conversationId,
        agentId: 'agent_1',
        settings: { enabled: true, retentionDays, notice: 'n' },
      },
      id,
      {
        file,
        bytes: 15,
        durationMs: 1234.5,
        marks: [{ type: 'interruption', atMs: 800, itemId: 'item_1', heardMs: 420 }],
        peaks: { bucketMs: 40, channels: ['AAEC', 'AwQF'] },
        startedAt: clock,
      },
    );
    return join(dataDir, 'recordings', conversationId, `${id}.ogg`);
  }

  it('stores and reads a recording row', async () => {
    const recordings = createRecordings({
      store,
      storage: fileRecordingStorage(dataDir),
      dataDir,
      log: silentLogger,
      now,
    });
    const path = await stored(recordings, 'conv_row', 365);
    expect(existsSync(path)).toBe(true);
    const [row, ...rest] = await store.recordings.forConversation('conv_row');
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      conversationId: 'conv_row',
      agentId: 'agent_1',
      source: 'live_import',
      contentType: 'audio/ogg; codecs=opus',
      channels: 2,
      durationMs: 1235,
      bytes: 15,
      startedAt: clock.toISOString(),
      expiresAt: new Date(clock.getTime() + 365 * day).toISOString(),
      marks: [{ type: 'interruption', atMs: 800, itemId: 'item_1', heardMs: 420 }],
      peaks: { bucketMs: 40, channels: ['AAEC', 'AwQF'] },
      deletedAt: null,
    });
    expect(await store.recordings.get(row!.id)).toEqual(row);
    expect(await store.recordings.forConversation('conv_none')).toEqual([]);
  });

  it('deletes audio past its retention, not before, and keeps the row marked', async () => {
    clock = new Date('2026-06-10T00:00:00.000Z');
    const recordings = createRecordings({
      store,
      storage: fileRecordingStorage(dataDir),
      dataDir,
      log: silentLogger,
      now,
    });
    const short = await stored(recordings, 'conv_short', 1);
    const long = await stored(recordings, 'conv_long', 3);
    clock = new Date(clock.getTime() + day - 1);
    expect(await recordings.sweep()).toBe(0);
    clock = new Date(clock.getTime() + 2);
    expect(await recordings.sweep()).toBe(1);
    expect(existsSync(short)).toBe(false);
    expect(existsSync(long)).toBe(true);
    const [gone] = await store.recordings.forConversation('conv_short');
    expect(gone!.deletedAt).toBe(clock.toISOString());
    // Run again: nothing left to do for it.
    expect(await recordings.sweep()).toBe(0);
    clock = new Date(clock.getTime() + 2 * day);
    expect(await recordings.sweep()).toBe(1);
    expect(existsSync(long)).toBe(false);
  });

  it('retries a deletion that failed on the next run', async () => {
    clock = new Date('2026-07-01T00:00:00.000Z');
    const files = fileRecordingStorage(dataDir);
    let refuse = true;
    const flaky: RecordingStorage = {
      ...files,
      delete: (key) =>
        refuse ? Promise.reject(new Error('bucket unreachable')) : files.delete(key),
    };
    const recordings = createRecordings({ store, storage: flaky, dataDir, log: silentLogger, now });
    const path = await stored(recordings, 'conv_flaky', 1);
    clock = new Date(clock.getTime() + 2 * day);
    expect(await recordings.sweep()).toBe(0);
    expect(existsSync(path)).toBe(true);
    expect((await store.recordings.forConversation('conv_flaky'))[0]!.deletedAt).toBeNull();
    refuse = false;
    expect(await recordings.sweep()).toBe(1);
    expect(existsSync(path)).toBe(false);
  });

  it('runs by itself periodically', async () => {
    clock = new Date('2026-08-01T00:00:00.000Z');
    const recordings = createRecordings({
      store,
      storage: fileRecordingStorage(dataDir),
      dataDir,
      log: silentLogger,
      now,
    });
    const path = await stored(recordings, 'conv_periodic', 1);
    const stop = recordings.startSweeper(20);
    try {
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(existsSync(path)).toBe(true);
      // Time passes (the injected clock); the next scheduled run removes it.
      clock = new Date(clock.getTime() + 2 * day);
      for (let i = 0; i < 200 && existsSync(path); i++)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(existsSync(path)).toBe(false);
    } finally {
      stop();
    }
  });
});
