import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from '../storage/database-availability.js';
import { openDatabase } from '../storage/database.js';
import { sharedStateBackends, testRedisUrl } from '../test-utils/shared-states.js';
import { startTcpProxy } from '../test-utils/tcp-proxy.js';
import { postgresSharedState } from './postgres-shared-state.js';
import { redisSharedState } from './redis-shared-state.js';
import type { TakeoverHandler } from './takeover-signal.js';

const backends = sharedStateBackends();
afterAll(async () => {
  for (const backend of backends) await backend.cleanup();
});

/** A handler that holds the conversations in `held`, storing its writes a moment after the end. */
function holderOf(...held: string[]) {
  const told: string[] = [];
  const stored: string[] = [];
  const handler: TakeoverHandler = async (conversationId) => {
    told.push(conversationId);
    if (!held.includes(conversationId)) return false;
    await new Promise((resolve) => setImmediate(resolve));
    stored.push(conversationId);
    return true;
  };
  return { handler, told, stored };
}

describe.each(backends)(
  'the takeover signal on $name (two instances on one backend)',
  (backend) => {
    it('has the other instance end its holder, and answers once its writes are stored', async () => {
      const [first, second] = await backend.open(Date.now);
      const holder = holderOf('held');
      const taker = holderOf();
      const holding = first.takeovers(holder.handler);
      const taking = second.takeovers(taker.handler);
      await Promise.all([holding.listening, taking.listening]);

      expect(await taking.takeOver('held', 5_000)).toBe('ended');
      expect(holder.stored).toEqual(['held']);
      // Nobody holds this one: only a holder answers, so the taker stops waiting at the bound.
      expect(await taking.takeOver('nobody', 200)).toBe('unanswered');
      expect(holder.told).toEqual(['held', 'nobody']);
      // An instance is never told of its own takeovers.
      expect(taker.told).toEqual([]);

      // An instance that left hears nothing more.
      holding.close();
      expect(await taking.takeOver('held', 200)).toBe('unanswered');
      expect(holder.told).toEqual(['held', 'nobody']);
      taking.close();
    });
  },
);

const postgresUrl = process.env.DATABASE_URL;

describe.runIf(postgresUrl)('the takeover signal on PostgreSQL', () => {
  it('listens again after its dedicated connection drops', async () => {
    const schema = `parley_signal_${randomBytes(5).toString('hex')}`;
    const databases = [
      await openDatabase({ databaseUrl: postgresUrl, schema, poolSize: 2 }),
      await openDatabase({ databaseUrl: postgresUrl, schema, poolSize: 2 }),
    ];
    const [first, second] = databases.map((database) =>
      postgresSharedState(database.db, Date.now, database.openConnection),
    );
    const admin = new pg.Client({ connectionString: postgresUrl });
    await admin.connect();
    try {
      const holder = holderOf('held');
      const holding = first!.takeovers(holder.handler);
      const taking = second!.takeovers(holderOf().handler);
      await Promise.all([holding.listening, taking.listening]);
      // What a database restart or a failover does to it.
      const channel = `parley_takeover_${(await admin.query<{ hash: string }>('SELECT left(md5($1), 16) AS hash', [schema])).rows[0]!.hash}`;
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1`,
        [`LISTEN "${channel}"`],
      );
      expect(killed.rowCount).toBe(2);
      await expect
        .poll(() => taking.takeOver('held', 300), { timeout: 10_000, interval: 100 })
        .toBe('ended');
      holding.close();
      taking.close();
    } finally {
      for (const state of [first, second]) await state?.close();
      for (const database of databases) await database.close();
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
  });
});

describe.runIf(testRedisUrl)('the takeover signal on a Redis that goes away', () => {
  it('stops waiting at the bound while Redis hangs or is down, and works again once it is back', async () => {
    const redisUrl = new URL(testRedisUrl!);
    const proxy = await startTcpProxy({
      host: redisUrl.hostname,
      port: Number(redisUrl.port || 6379),
    });
    const keyPrefix = `parley-test-${randomBytes(5).toString('hex')}:`;
    // One instance reaches Redis through the proxy, the other directly.
    const proxied = await redisSharedState({
      url: `redis://127.0.0.1:${proxy.port}`,
      keyPrefix,
      connectTimeoutMs: 1_000,
    });
    const direct = await redisSharedState({ url: testRedisUrl!, keyPrefix });
    try {
      const away = proxied.takeovers(holderOf('away-held').handler);
      const there = direct.takeovers(holderOf('there-held').handler);
      await Promise.all([away.listening, there.listening]);
      proxy.hang();
      expect(await away.takeOver('there-held', 200)).toBe('unanswered');
      proxy.reset();
      // Down (its reconnects held too): refused at once, or unanswered at the bound.
      expect(await away.takeOver('there-held', 300).catch((error: unknown) => error)).toSatisfy(
        (outcome) => outcome === 'unanswered' || outcome instanceof DatabaseUnavailableError,
      );
      proxy.recover();
      // Back: both connections came back by themselves, the subscriber subscribed again.
      await expect
        .poll(() => there.takeOver('away-held', 300), { timeout: 10_000, interval: 100 })
        .toBe('ended');
      await expect
        .poll(() => away.takeOver('there-held', 300).catch(() => 'refused'), {
          timeout: 10_000,
          interval: 100,
        })
        .toBe('ended');
      away.close();
      there.close();
    } finally {
      proxy.recover();
      await proxied.close();
      await direct.close();
      await proxy.close();
    }
  });
});
