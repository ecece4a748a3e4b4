/**
 * Database faults reproduced the way they were found: connections reset under the server
 * (`pg_terminate_backend`, a TCP proxy that drops them), a database that accepts connections and
 * never answers, two instances starting at once on an empty database, a mistyped DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createParleyServer } from '../src/server.js';
import type { ParleyServer } from '../src/server.js';
import type { Logger } from '../src/logger.js';
import { silentLogger } from '../src/logger.js';
import { databaseBackend, openDatabase } from '../src/storage/database.js';
import { DatabaseUnavailableError } from '../src/storage/database-availability.js';
import { agentTemplates, liveAgentTemplates } from '../src/templates.js';
import { startTcpProxy } from '../src/test-utils/tcp-proxy.js';
import { startEmulator } from '@parley/emulator';
import { connectBrowser, publishTestAgent } from './relay-helpers.js';
import type { Received } from './relay-helpers.js';

const postgresUrl = process.env.DATABASE_URL;
const offlineUpstream = {
  kind: 'openai',
  apiKey: 'sk-test',
  baseUrl: 'http://127.0.0.1:9/v1',
} as const;

/** A fresh schema name; every one made here is dropped after the file. */
const schemas: string[] = [];
function freshSchema(): string {
  const schema = `parley_faults_${randomBytes(5).toString('hex')}`;
  schemas.push(schema);
  return schema;
}

async function sqlOnce<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    return await client.query<T>(text, values);
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  if (postgresUrl)
    for (const schema of schemas) await sqlOnce(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
});

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warnings, warn: (message) => void warnings.push(message) };
}

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('DATABASE_URL', () => {
  it('refuses a mistyped or foreign scheme instead of silently running on SQLite', async () => {
    expect(databaseBackend(undefined)).toBe('sqlite');
    expect(databaseBackend('')).toBe('sqlite');
    expect(databaseBackend('postgres://u@h/db')).toBe('postgres');
    expect(databaseBackend('postgresql://u@h/db')).toBe('postgres');
    for (const url of ['postgress://u:hunter2@h/db', 'mysql://u:hunter2@h/db', 'h/db']) {
      expect(() => databaseBackend(url)).toThrow(/DATABASE_URL must be a postgres:\/\//);
      try {
        databaseBackend(url);
      } catch (error) {
        expect((error as Error).message).not.toContain('hunter2');
      }
    }
    await expect(
      createParleyServer({
        database: { databaseUrl: 'mysql://root:hunter2@127.0.0.1/parley' },
        upstream: offlineUpstream,
        logger: silentLogger,
      }),
    ).rejects.toThrow(/got a "mysql:" URL/);
  });
});

describe('a database that accepts connections and never answers', () => {
  it('fails start-up within seconds with a one-line reason', async () => {
    const held: Socket[] = [];
    const silent = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    const started = Date.now();
    try {
      const error = await openDatabase({
        databaseUrl: `postgres://postgres:hunter2@127.0.0.1:${port}/test`,
        connectTimeoutMs: 1_000,
      }).then(
        () => undefined,
        (failure: unknown) => failure,
      );
      expect(error).toBeInstanceOf(DatabaseUnavailableError);
      const message = (error as Error).message;
      expect(message).toContain(`PostgreSQL at 127.0.0.1:${port}/test did not answer`);
      expect(message).not.toContain('\n');
      expect(message).not.toContain('hunter2');
      expect(Date.now() - started).toBeLessThan(5_000);
    } finally {
      for (const socket of held) socket.destroy();
      silent.close();
    }
  });
});

describe.runIf(postgresUrl)('PostgreSQL faults', () => {
  const url = postgresUrl!;
  const target = new URL(url);

  async function startServer(
    overrides: { databaseUrl?: string; applicationName?: string; timeouts?: boolean } = {},
  ) {
    const log = recordingLogger();
    const parley = await createParleyServer({
      database: {
        databaseUrl: overrides.databaseUrl ?? url,
        schema: freshSchema(),
        poolSize: 4,
        ...(overrides.applicationName ? { applicationName: overrides.applicationName } : {}),
        ...(overrides.timeouts ? { connectTimeoutMs: 1_000, statementTimeoutMs: 1_000 } : {}),
      },
      upstream: offlineUpstream,
      logger: log,
    });
    const { url: base } = await parley.listen({ port: 0, host: '127.0.0.1' });
    return { parley, base, log };
  }

  it('survives pg_terminate_backend on its own connections and answers again', async () => {
    const applicationName = `parley_${randomBytes(5).toString('hex')}`;
    const { parley, base, log } = await startServer({ applicationName });
    try {
      // Several requests at once, so the pool holds several idle connections.
      await Promise.all([1, 2, 3].map(() => fetch(`${base}/api/agents`)));
      const killed = await sqlOnce<{ pid: number }>(
        'SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity WHERE application_name = $1',
        [applicationName],
      );
      expect(killed.rowCount).toBeGreaterThan(0);
      await until(
        () => log.warnings.some((line) => line.includes('database connection dropped')),
        5_000,
      );
      const response = await fetch(`${base}/api/agents`);
      expect(response.status).toBe(200);
      expect(((await response.json()) as { agents: unknown[] }).agents.length).toBe(
        agentTemplates.length + liveAgentTemplates.length,
      );
    } finally {
      await parley.close();
    }
  });

  it('answers 503 while the database is away (reset or hanging) and recovers when it is back', async () => {
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    const { parley, base } = await startServer({ databaseUrl: proxied.href, timeouts: true });
    try {
      expect((await fetch(`${base}/api/agents`)).status).toBe(200);
      proxy.hang();
      proxy.reset();
      const started = Date.now();
      const away = await fetch(`${base}/api/agents`);
      expect(away.status).toBe(503);
      expect(((await away.json()) as { error: { code: string } }).error.code).toBe(
        'database_unavailable',
      );
      expect(Date.now() - started).toBeLessThan(8_000);
      // Connected but silent: a statement on a live connection times out too.
      proxy.recover();
      expect((await fetch(`${base}/api/agents`)).status).toBe(200);
      proxy.hang();
      const stalled = await fetch(`${base}/api/agents`);
      expect(stalled.status).toBe(503);
      proxy.recover();
      await until(async () => (await fetch(`${base}/api/agents`)).status === 200, 5_000);
    } finally {
      await parley.close();
      await proxy.close();
    }
  });

  it('keeps a live relay conversation talking while the database is away, and stores every item once it is back', async () => {
    const apiKey = 'fake-key-database-away-0123456789';
    const emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      speechRate: Infinity,
      requireKey: apiKey,
    });
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(url);
    proxied.port = String(proxy.port);
    const log = recordingLogger();
    const parley = await createParleyServer({
      database: {
        databaseUrl: proxied.href,
        schema: freshSchema(),
        poolSize: 4,
        connectTimeoutMs: 1_000,
        statementTimeoutMs: 1_000,
      },
      upstream: { kind: 'openai', apiKey, baseUrl: `${emulator.httpUrl}/v1` },
      logger: log,
      seedTemplates: false,
    });
    try {
      await publishTestAgent(parley.store, 'helper', {
        instructions: 'Help.',
        outputModality: 'text',
        transcriptionModel: null,
      });
      const { url: base } = await parley.listen({ port: 0, host: '127.0.0.1' });
      const grant = (await (
        await fetch(`${base}/api/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ agentId: 'helper' }),
        })
      ).json()) as { ticket: string; conversationId: string };
      const browser = await connectBrowser(
        `${base.replace('http', 'ws')}/api/realtime`,
        grant.ticket,
      );
      await browser.waitFor((event) => event.type === 'session.created');
      const say = async (text: string) => {
        const before = browser.events.filter((event) => event.type === 'response.done').length;
        browser.send({
          type: 'conversation.item.create',
          item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
        });
        browser.send({ type: 'response.create' });
        await browser.waitFor(
          () => browser.events.filter((event) => event.type === 'response.done').length > before,
          10_000,
        );
      };
      await say('First, before the outage.');
      // The database goes away mid-conversation: every connection dropped, new ones hang.
      proxy.hang();
      proxy.reset();
      await say('Second, while the database is away.');
      await say('Third, still away.');
      expect(browser.events.some((event: Received) => event.type === 'error')).toBe(false);
      expect(log.warnings).toContain('storage is away; relay writes are queued and retried');
      proxy.recover();
      const confirmed = browser.events
        .filter(
          (event) =>
            event.type === 'conversation.item.done' || event.type === 'conversation.item.added',
        )
        .map((event) => (event.item as { id: string }).id);
      await until(async () => {
        try {
          const detail = await parley.store.conversations.detail(grant.conversationId);
          const stored = new Set(detail.items.map((item) => item.itemId));
          return detail.items.length >= 6 && confirmed.every((id) => stored.has(id));
        } catch {
          return false;
        }
      }, 20_000);
      const detail = await parley.store.conversations.detail(grant.conversationId);
      expect(detail.items.filter((item) => item.role === 'user').map((item) => item.text)).toEqual([
        'First, before the outage.',
        'Second, while the database is away.',
        'Third, still away.',
      ]);
      expect(detail.items.filter((item) => item.role === 'assistant')).toHaveLength(3);
      browser.socket.close();
      await browser.closed;
    } finally {
      await parley.close();
      await proxy.close();
      await emulator.close();
    }
  }, 60_000);

  it('starts two instances at once on an empty database: both come up, templates seeded once', async () => {
    for (let round = 0; round < 3; round += 1) {
      const schema = freshSchema();
      const start = () =>
        createParleyServer({
          database: { databaseUrl: url, schema, poolSize: 3 },
          upstream: offlineUpstream,
          logger: silentLogger,
          admin: { password: 'correct horse battery staple' },
        });
      const both = await Promise.all([start(), start()]);
      try {
        expect(await both[0].store.agents.count()).toBe(
          agentTemplates.length + liveAgentTemplates.length,
        );
        expect(await both[1].store.admin.countAdmins()).toBe(1);
      } finally {
        await Promise.all(both.map((parley: ParleyServer) => parley.close()));
      }
    }
  });
});
