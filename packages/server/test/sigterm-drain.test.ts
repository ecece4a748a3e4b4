/**
 * A deploy as it really happens: two `parley-server` processes (the CLI, spawned) on one
 * PostgreSQL database (and Redis when `REDIS_URL` is set) behind HAProxy; the process carrying a
 * live conversation gets SIGTERM. It hands the conversation over and exits; the core session
 * reconnects through the proxy to the other process and the conversation goes on, nothing lost.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createVoiceSession,
  createWebSocketTransport,
  parleyServerCredentials,
} from '@parley/core';
import type { VoiceSession, VoiceSessionSnapshot } from '@parley/core';
import { startEmulator } from '@parley/emulator';
import { openDatabase } from '../src/storage/database.js';
import { createStore } from '../src/storage/store.js';
import type { Store } from '../src/storage/store.js';
import {
  freshRedisPrefix,
  testRedisUrl,
  warnWithoutRedis,
} from '../src/test-utils/shared-states.js';
import { freePort, startHaproxy } from './haproxy.js';
import type { Haproxy } from './haproxy.js';
import { publishTestAgent } from './relay-helpers.js';

const postgresUrl = process.env.DATABASE_URL;
const cli = fileURLToPath(new URL('../bin/parley-server.js', import.meta.url));
const apiKey = 'fake-key-sigterm-drain-0123456789';

/** One spawned server process and what it printed. */
interface ServerProcess {
  child: ChildProcess;
  port: number;
  output: () => string;
  exited: Promise<number | null>;
}

async function spawnServer(env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [cli, '--port', String(port), '--host', '127.0.0.1'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Parley is running')) {
    if (child.exitCode !== null || Date.now() > deadline)
      throw new Error(`the server did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, port, output: () => output, exited };
}

function until(
  session: VoiceSession,
  predicate: (snapshot: VoiceSessionSnapshot) => boolean,
  timeoutMs = 15_000,
) {
  return new Promise<VoiceSessionSnapshot>((resolve, reject) => {
    if (predicate(session.getSnapshot())) return resolve(session.getSnapshot());
    const timer = setTimeout(() => {
      unsubscribe();
      reject(new Error(`timed out in status ${session.getSnapshot().status}`));
    }, timeoutMs);
    const unsubscribe = session.subscribe(() => {
      if (predicate(session.getSnapshot())) {
        clearTimeout(timer);
        unsubscribe();
        resolve(session.getSnapshot());
      }
    });
  });
}

const messages = (snapshot: VoiceSessionSnapshot) =>
  snapshot.items.flatMap((item) =>
    item.type === 'message' && !item.streaming ? [`${item.role}: ${item.text}`] : [],
  );

warnWithoutRedis();

describe.runIf(postgresUrl)('SIGTERM to a spawned server carrying a live conversation', () => {
  const database = `parley_sigterm_${randomBytes(5).toString('hex')}`;
  let databaseUrl = '';
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let store: Store;
  const servers: ServerProcess[] = [];
  let haproxy: Haproxy | undefined;

  async function admin(statement: string) {
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  }

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${database}`);
    const url = new URL(postgresUrl!);
    url.pathname = `/${database}`;
    databaseUrl = url.href;
    emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      speechRate: Infinity,
      requireKey: apiKey,
    });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      DATABASE_URL: databaseUrl,
      OPENAI_API_KEY: apiKey,
      OPENAI_BASE_URL: `${emulator.httpUrl}/v1`,
      PARLEY_ADMIN_PASSWORD: 'sigterm-drain-password',
      PARLEY_TRUST_PROXY: '1',
      PARLEY_DRAIN_TIMEOUT_MS: '10000',
      PARLEY_DEMO_DIR: '/nonexistent',
      PARLEY_ADMIN_DIR: '/nonexistent',
      ...(testRedisUrl ? { REDIS_URL: testRedisUrl, PARLEY_REDIS_PREFIX: freshRedisPrefix() } : {}),
    };
    // Both start at once on the empty database.
    servers.push(...(await Promise.all([spawnServer(env), spawnServer(env)])));
    store = createStore(await openDatabase({ databaseUrl, poolSize: 2 }));
    await publishTestAgent(store, 'helper', {
      instructions: 'Help.',
      outputModality: 'text',
      transcriptionModel: null,
    });
    // `first`: every request goes to the first ready process, so the test knows the carrier.
    const proxy = await startHaproxy(
      servers.map(({ port }) => `127.0.0.1:${port}`),
      'first',
    );
    haproxy = proxy;
    // Both up in HAProxy (the first one answers), so the carrier is the first process.
    const deadline = Date.now() + 10_000;
    while ((await fetch(`${proxy.url}/health`)).headers.get('x-served-by') !== 'p0') {
      if (Date.now() > deadline) throw new Error('HAProxy never sent traffic to the first process');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 120_000);

  afterAll(async () => {
    haproxy?.close();
    for (const server of servers) if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await store?.close();
    await emulator?.close();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
  });

  it('hands the conversation to the other process, which goes on with nothing lost', async () => {
    const session = createVoiceSession({
      credentials: parleyServerCredentials({ baseUrl: haproxy!.url, agentId: 'helper' }),
      transport: createWebSocketTransport(),
      reconnect: { baseDelayMs: 2000, maxDelayMs: 4000 },
    });
    const [carrier, other] = servers as [ServerProcess, ServerProcess];
    try {
      await session.connect();
      await until(session, (snapshot) => snapshot.status === 'connected');
      session.sendText('My name is Ada.');
      await until(session, (snapshot) => messages(snapshot).length >= 2);
      session.sendText('I live in London.');
      await until(session, (snapshot) => messages(snapshot).length >= 4);
      const before = messages(session.getSnapshot());
      expect((await fetch(`${haproxy!.url}/health`)).headers.get('x-served-by')).toBe('p0');

      carrier.child.kill('SIGTERM');
      expect(await carrier.exited).toBe(0);
      expect(`${carrier.output()}\n---\n${other.output()}`).toMatch(
        /drained 1 conversations in \d+ ms/,
      );
      await until(session, (snapshot) => snapshot.status === 'connected');
      session.sendText('What is my name?');
      const after = await until(
        session,
        (snapshot) => messages(snapshot).length >= before.length + 2,
      );
      expect(messages(after).slice(0, before.length)).toEqual(before);
      expect(after.error).toBeNull();
      expect(other.child.exitCode).toBeNull();

      // One conversation in storage with every message of both processes, in order.
      const conversations = await store.conversations.list({ limit: 10 });
      expect(conversations).toHaveLength(1);
      await expect
        .poll(
          async () =>
            (await store.conversations.detail(conversations[0]!.id)).items
              .filter((item) => item.type === 'message')
              .map((item) => `${item.role}: ${item.text}`),
          { timeout: 10_000 },
        )
        .toEqual(messages(after));
    } finally {
      await session.disconnect();
    }
  }, 90_000);
});
