/**
 * Two instances on one PostgreSQL database behind a real HAProxy (started here, on loopback):
 * a ticket from one opens a socket on the other, caps and sign-in limits hold across both, and
 * draining the instance that carries a live conversation (what SIGTERM does) hands it over: the
 * core session reconnects through the proxy at once and the conversation goes on, nothing lost.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createVoiceSession,
  createWebSocketTransport,
  parleyServerCredentials,
} from '@parley/core';
import type { VoiceSession, VoiceSessionSnapshot } from '@parley/core';
import { startEmulator } from '@parley/emulator';
import { createParleyServer } from '../src/server.js';
import type { ParleyServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { connectBrowser, publishTestAgent } from './relay-helpers.js';
import type { TestBrowser } from './relay-helpers.js';
import { startHaproxy } from './haproxy.js';
import {
  freshRedisPrefix,
  testRedisUrl,
  warnWithoutRedis,
} from '../src/test-utils/shared-states.js';
import type { Haproxy } from './haproxy.js';

const postgresUrl = process.env.DATABASE_URL;
const apiKey = 'fake-key-multi-instance-0123456789';
const password = 'multi-instance-password-1';

function until(
  session: VoiceSession,
  predicate: (snapshot: VoiceSessionSnapshot) => boolean,
  timeoutMs = 10_000,
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
/** Where the instances share tickets, slots and limits: the database, and Redis when configured. */
const sharedBackends = [
  { name: 'PostgreSQL', redis: undefined },
  ...(testRedisUrl ? [{ name: 'Redis', redis: testRedisUrl }] : []),
];

describe.runIf(postgresUrl).each(sharedBackends)(
  'two instances behind HAProxy on one PostgreSQL database, shared state in $name',
  ({ redis }) => {
    const schema = `parley_multi_${randomBytes(5).toString('hex')}`;
    const keyPrefix = freshRedisPrefix();
    let emulator: Awaited<ReturnType<typeof startEmulator>>;
    const instances: { parley: ParleyServer; url: string }[] = [];
    let haproxy: Haproxy | undefined;
    let proxyUrl: string;
    const browsers: TestBrowser[] = [];

    beforeAll(async () => {
      emulator = await startEmulator({
        port: 0,
        host: '127.0.0.1',
        speechRate: Infinity,
        requireKey: apiKey,
      });
      // Both start at once on the empty schema (the advisory lock orders them).
      const start = () =>
        createParleyServer({
          database: { databaseUrl: postgresUrl, schema, poolSize: 4 },
          upstream: { kind: 'openai', apiKey, baseUrl: `${emulator.httpUrl}/v1` },
          logger: silentLogger,
          seedTemplates: false,
          admin: { password },
          trustProxy: 1,
          limits: { maxSessionsPerClient: 2, sessionRequestsPerMinute: 1000 },
          ...(redis ? { redis: { url: redis, keyPrefix } } : {}),
        });
      const [first, second] = await Promise.all([start(), start()]);
      await publishTestAgent(first.store, 'helper', {
        instructions: 'Help.',
        outputModality: 'text',
        transcriptionModel: null,
      });
      for (const parley of [first, second]) {
        instances.push({ parley, url: (await parley.listen({ port: 0, host: '127.0.0.1' })).url });
      }
      haproxy = await startHaproxy(instances.map(({ url }) => new URL(url).host));
      proxyUrl = haproxy.url;
    });

    afterAll(async () => {
      for (const browser of browsers) browser.socket.terminate();
      haproxy?.close();
      for (const { parley } of instances) await parley.close();
      await emulator?.close();
      const client = new pg.Client({ connectionString: postgresUrl });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    });

    const grant = async (base: string) => {
      const response = await fetch(`${base}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agentId: 'helper' }),
      });
      return { status: response.status, body: (await response.json()) as { ticket: string } };
    };

    it('opens a socket on one instance with a ticket from the other, and holds the per-client cap across both', async () => {
      const [a, b] = instances;
      const fromA = await grant(a!.url);
      expect(fromA.status).toBe(200);
      const onB = await connectBrowser(
        `${b!.url.replace('http', 'ws')}/api/realtime`,
        fromA.body.ticket,
      );
      browsers.push(onB);
      await onB.waitFor((event) => event.type === 'session.created');
      const second = await connectBrowser(
        `${a!.url.replace('http', 'ws')}/api/realtime`,
        (await grant(b!.url)).body.ticket,
      );
      browsers.push(second);
      await second.waitFor((event) => event.type === 'session.created');
      // Two live (one on each instance): the cap of 2 refuses a third on either.
      expect((await grant(a!.url)).status).toBe(429);
      expect((await grant(b!.url)).status).toBe(429);
      for (const browser of [onB, second]) {
        browser.socket.close();
        await browser.closed;
      }
      await expect.poll(async () => (await grant(a!.url)).status, { timeout: 5000 }).toBe(200);
    });

    it('counts sign-in attempts across both instances', async () => {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 12; attempt += 1) {
        const { url } = instances[attempt % 2]!;
        const response = await fetch(`${url}/api/admin/login`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email: 'admin@parley.local', password: 'wrong' }),
        });
        statuses.push(response.status);
      }
      expect(statuses.filter((status) => status === 401)).toHaveLength(10);
      expect(statuses.filter((status) => status === 429)).toHaveLength(2);
    });

    it('hands a live conversation over on drain: the client reconnects through the proxy and goes on', async () => {
      const session = createVoiceSession({
        credentials: parleyServerCredentials({ baseUrl: proxyUrl, agentId: 'helper' }),
        transport: createWebSocketTransport(),
        reconnect: { baseDelayMs: 2000, maxDelayMs: 4000 },
      });
      try {
        await session.connect();
        await until(session, (snapshot) => snapshot.status === 'connected');
        session.sendText('My name is Ada.');
        await until(session, (snapshot) => messages(snapshot).length >= 2);
        const carrier = instances.find(({ parley }) => parley.activeSessions() === 1)!;
        const other = instances.find((instance) => instance !== carrier)!;
        const started = Date.now();
        const drained = await carrier.parley.drain({ deadlineMs: 5000 });
        expect(drained).toEqual({ handedOver: 1, timedOut: false });
        expect((await fetch(`${carrier.url}/ready`)).status).toBe(503);
        await until(session, (snapshot) => snapshot.status === 'reconnecting', 5000).catch(
          () => undefined,
        );
        await until(
          session,
          (snapshot) => snapshot.status === 'connected' && other.parley.activeSessions() === 1,
        );
        // At once: well under the 1 s the first backoff step would have waited at the least.
        expect(Date.now() - started).toBeLessThan(5000);
        const before = messages(session.getSnapshot());
        session.sendText('What is my name?');
        const after = await until(
          session,
          (snapshot) => messages(snapshot).length >= before.length + 2,
        );
        expect(messages(after).slice(0, before.length)).toEqual(before);
        expect(after.error).toBeNull();
        // One conversation on the server, with every message of both instances, in order.
        const conversations = await other.parley.store.conversations.list({ limit: 10 });
        const conversation = conversations.find((entry) => entry.status === 'active')!;
        await expect
          .poll(
            async () =>
              (await other.parley.store.conversations.detail(conversation.id)).items.length,
            {
              timeout: 5000,
            },
          )
          .toBeGreaterThanOrEqual(4);
        const stored = (await other.parley.store.conversations.detail(conversation.id)).items
          .filter((item) => item.type === 'message')
          .map((item) => `${item.role}: ${item.text}`);
        expect(stored).toEqual(messages(after));
      } finally {
        await session.disconnect();
      }
    }, 40_000);
  },
);
