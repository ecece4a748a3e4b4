// A conversation resumed on another instance than the one still holding its stale session: the
// resuming instance signals the takeover through the shared state, the holding one ends its
// holder at once (not at its idle timeout, 5 minutes here), gives its slot hold back and stores
// its writes, and only then does the resume go on. A relayed session whose browser stopped
// answering (a half-open socket: a proxy that holds the connection and forwards nothing), Realtime
// or GPT-Live, and a WebRTC call whose page dropped. On the in-memory shared state (two instances in one process on
// one store), PostgreSQL's (LISTEN/NOTIFY) and Redis's (pub/sub) when configured.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@parley/emulator';
import { memorySharedState } from '../src/coordination/shared-state.js';
import type { Logger } from '../src/logger.js';
import { createParleyServer } from '../src/server.js';
import type { ParleyServer, ParleyServerOptions } from '../src/server.js';
import { openDatabase } from '../src/storage/database.js';
import { createStore } from '../src/storage/store.js';
import type { Store } from '../src/storage/store.js';
import { testBackends } from '../src/test-utils/databases.js';
import { freshRedisPrefix, testRedisUrl } from '../src/test-utils/shared-states.js';
import { startTcpProxy } from '../src/test-utils/tcp-proxy.js';
import type { TcpProxy } from '../src/test-utils/tcp-proxy.js';
import { connectBrowser, notUnderstood, publishTestAgent } from './relay-helpers.js';
import type { Received, TestBrowser } from './relay-helpers.js';
import { hangUpCall, placeCall, relayGrant, say } from './resume-helpers.js';

const apiKey = 'fake-key-cross-instance-takeover-01';
const postgresUrl = process.env.DATABASE_URL;

/** How two instances share a store and a shared state. */
interface Sharing {
  name: string;
  /** The store both instances' data lands in (for the test to read), and each instance's options. */
  open(): Promise<{ store: Store; instance: () => Partial<ParleyServerOptions> }>;
  cleanup(): Promise<void>;
}

/** PostgreSQL: each instance opens the schema itself (its own pool, its own LISTEN connection). */
function onPostgres(url: string, redis?: string): Sharing {
  const schema = `parley_takeover_${randomBytes(5).toString('hex')}`;
  let store: Store | undefined;
  return {
    name: redis ? 'Redis (PostgreSQL storage)' : 'PostgreSQL',
    async open() {
      store = createStore(await openDatabase({ databaseUrl: url, schema, poolSize: 4 }));
      const keyPrefix = freshRedisPrefix();
      return {
        store,
        instance: () => ({
          database: { databaseUrl: url, schema, poolSize: 4 },
          ...(redis ? { redis: { url: redis, keyPrefix } } : {}),
        }),
      };
    },
    async cleanup() {
      await store?.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await client.end();
    },
  };
}

/** One store object for both (SQLite is one process's), and one in-memory shared state, or Redis. */
function inProcess(redis?: string): Sharing {
  const backend = testBackends()[0]!;
  let store: Store | undefined;
  return {
    name: redis ? 'Redis (one SQLite store)' : 'memory (one SQLite store)',
    async open() {
      const shared = memorySharedState();
      store = createStore(await backend.open());
      const keyPrefix = freshRedisPrefix();
      const opened = store;
      return {
        store: opened,
        instance: () => ({
          store: opened,
          ...(redis ? { redis: { url: redis, keyPrefix } } : { sharedState: shared }),
        }),
      };
    },
    async cleanup() {
      await store?.close();
      await backend.cleanup();
    },
  };
}

const sharings: Sharing[] = [
  inProcess(),
  ...(postgresUrl ? [onPostgres(postgresUrl)] : []),
  ...(testRedisUrl
    ? [postgresUrl ? onPostgres(postgresUrl, testRedisUrl) : inProcess(testRedisUrl)]
    : []),
];

/** Keeps what a server warns about (the resuming instance must not have waited in vain). */
function warnings(): Logger & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    info: () => undefined,
    warn: (message) => seen.push(message),
    error: (message) => seen.push(message),
  };
}

describe.each(sharings)('a conversation taken over across instances on $name', (sharing) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let store: Store;
  const instances: { parley: ParleyServer; url: string; log: ReturnType<typeof warnings> }[] = [];
  const sockets: TestBrowser[] = [];
  const proxies: TcpProxy[] = [];

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      speechRate: Infinity,
      requireKey: apiKey,
      speechEngine: 'generated',
    });
    const opened = await sharing.open();
    store = opened.store;
    await publishTestAgent(store, 'concierge', {
      instructions: 'Help.',
      transcriptionModel: null,
      outputModality: 'text',
    });
    await publishTestAgent(store, 'live', {
      api: 'live',
      model: 'gpt-live-1',
      instructions: 'Live concierge.',
      transcriptionModel: null,
    });
    for (let index = 0; index < 2; index += 1) {
      const log = warnings();
      const parley = await createParleyServer({
        seedTemplates: false,
        logger: log,
        admin: { password: 'admin-password-123' },
        upstream: { kind: 'openai', apiKey, baseUrl: `${emulator.httpUrl}/v1` },
        // One conversation per client, and an idle timeout far beyond the test: only the
        // takeover can end the stale holder and free its slot in time. The wait for it is
        // longer than the default so a loaded machine's slow end is still waited for (and a
        // wait in vain shows in the warnings).
        limits: {
          maxSessionsPerClient: 1,
          sessionRequestsPerMinute: 1000,
          resumeWindowMs: 60_000,
          idleTimeoutMs: 300_000,
          takeoverWaitMs: 10_000,
        },
        ...opened.instance(),
      });
      instances.push({
        parley,
        log,
        url: (await parley.listen({ port: 0, host: '127.0.0.1' })).url,
      });
    }
  });

  afterAll(async () => {
    for (const socket of sockets) socket.socket.terminate();
    for (const proxy of proxies) await proxy.close();
    for (const { parley } of instances) await parley.close();
    await emulator?.close();
    await sharing.cleanup();
  });

  const wsUrl = (base: string) => `${base.replace('http', 'ws')}/api/realtime`;

  async function connect(
    url: string,
    ticket: string,
    ready = (event: Received) => event.type === 'session.updated',
  ): Promise<TestBrowser> {
    const socket = await connectBrowser(url, ticket);
    sockets.push(socket);
    await socket.waitFor(ready);
    return socket;
  }

  /** A relay URL on instance A through a proxy that can hang (the browser's network going away). */
  async function throughProxy(base: string): Promise<{ url: string; proxy: TcpProxy }> {
    const proxy = await startTcpProxy({ host: '127.0.0.1', port: Number(new URL(base).port) });
    proxies.push(proxy);
    return { url: wsUrl(`http://127.0.0.1:${proxy.port}`), proxy };
  }

  async function ended(conversationId: string) {
    await expect
      .poll(async () => (await store.conversations.get(conversationId))?.status, { timeout: 5000 })
      .not.toBe('active');
  }

  it('ends a half-open relayed session on the other instance before the resume goes on', async () => {
    const [a, b] = instances;
    const { url, proxy } = await throughProxy(a!.url);
    const first = await relayGrant(a!.url, { agentId: 'concierge' });
    const stale = await connect(url, first.ticket);
    await say(stale, 'Remember the number 42.');
    // The browser's network goes: the socket stays open on instance A, nothing more arrives.
    proxy.hang();

    const again = await relayGrant(b!.url, {
      agentId: 'concierge',
      resume: { conversationId: first.conversationId, token: first.resumeToken },
    });
    expect(again.resumed).toBe(true);
    const resumed = await connect(wsUrl(b!.url), again.ticket);
    // By the time B's session is up, A's stale one has ended, answered, and its writes are in.
    expect(a!.parley.activeSessions()).toBe(0);
    expect(b!.parley.activeSessions()).toBe(1);
    expect(b!.log.seen).toEqual([]);
    await say(resumed, 'What was the number?');

    resumed.socket.close();
    await ended(first.conversationId);
    const detail = await store.conversations.detail(first.conversationId);
    expect(detail.items.map((item) => [item.role, item.text])).toEqual([
      ['user', 'Remember the number 42.'],
      ['assistant', notUnderstood('Remember the number 42.')],
      ['user', 'What was the number?'],
      ['assistant', notUnderstood('What was the number?')],
    ]);
    expect(detail.conversation).toMatchObject({ status: 'completed', endReason: 'client_closed' });
    // A's slot hold went with its session: at one conversation per client, a new one starts.
    const next = await relayGrant(b!.url, { agentId: 'concierge' });
    const fresh = await connect(wsUrl(b!.url), next.ticket);
    fresh.socket.close();
    await ended(next.conversationId);
  });

  it('ends a half-open GPT-Live relayed session on the other instance too', async () => {
    const [a, b] = instances;
    const { url, proxy } = await throughProxy(a!.url);
    const first = await relayGrant(a!.url, { agentId: 'live' });
    const started = (event: Received) => event.type === 'session.started';
    await connect(url, first.ticket, started);
    proxy.hang();
    const again = await relayGrant(b!.url, {
      agentId: 'live',
      resume: { conversationId: first.conversationId, token: first.resumeToken },
    });
    const resumed = await connect(wsUrl(b!.url), again.ticket, started);
    expect(a!.parley.activeSessions()).toBe(0);
    expect(b!.parley.activeSessions()).toBe(1);
    expect(b!.log.seen).toEqual([]);
    resumed.socket.close();
    await ended(first.conversationId);
  });

  it('ends a WebRTC call whose page dropped on the other instance before the resume is placed', async () => {
    const [a, b] = instances;
    const first = await placeCall(a!.url, { agentId: 'concierge' });
    expect(a!.parley.activeSessions()).toBe(1);
    // The page is gone without hanging up; it comes back through instance B.
    const again = await placeCall(b!.url, {
      agentId: 'concierge',
      resume: { conversationId: first.conversationId, token: first.resumeToken },
    });
    expect(again).toMatchObject({ resumed: true, conversationId: first.conversationId });
    expect(a!.parley.activeSessions()).toBe(0);
    expect(b!.parley.activeSessions()).toBe(1);
    expect(b!.log.seen).toEqual([]);
    await hangUpCall(b!.url, again);
    await ended(first.conversationId);
    // Nothing of either call's is left holding the client's only slot.
    const next = await placeCall(b!.url, { agentId: 'concierge' });
    await hangUpCall(b!.url, next);
  });
});
