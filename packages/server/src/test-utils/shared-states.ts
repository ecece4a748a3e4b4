/**
 * The shared-state backends the coordination tests run on: memory always, PostgreSQL when
 * `DATABASE_URL` is set, Redis when `REDIS_URL` is set (CI starts a local one; says loudly when
 * it is not set). Each backend gets its own schema or key prefix.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { memorySharedState } from '../coordination/shared-state.js';
import type { SharedState } from '../coordination/shared-state.js';
import { postgresSharedState } from '../coordination/postgres-shared-state.js';
import { redisSharedState } from '../coordination/redis-shared-state.js';
import { openDatabase } from '../storage/database.js';
import type { Database } from '../storage/database.js';

/** The Redis the tests use, when set. */
export const testRedisUrl = process.env.PARLEY_TEST_REDIS_URL || process.env.REDIS_URL || undefined;

/** A fresh key prefix, so tests on one Redis never see each other's keys. */
export function freshRedisPrefix(): string {
  return `parley-test-${randomBytes(5).toString('hex')}:`;
}

let warned = false;
/** Says loudly (once) that the Redis tests did not run. */
export function warnWithoutRedis(): void {
  if (testRedisUrl || warned) return;
  warned = true;
  console.warn(
    '\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n' +
      '!!  REDIS_URL is not set: the Redis shared-state tests were SKIPPED.                 !!\n' +
      '!!  Set REDIS_URL=redis://127.0.0.1:6379 to run them.                                !!\n' +
      '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n',
  );
}

/** One backend: `open` gives two handles on the same shared state (two instances). */
export interface SharedStateBackend {
  name: SharedState['kind'];
  open(now: () => number): Promise<[SharedState, SharedState]>;
  cleanup(): Promise<void>;
}

/** Memory, plus PostgreSQL and Redis when configured. */
export function sharedStateBackends(): SharedStateBackend[] {
  const backends: SharedStateBackend[] = [
    {
      name: 'memory',
      open(now) {
        const state = memorySharedState(now);
        return Promise.resolve([state, state]);
      },
      cleanup: () => Promise.resolve(),
    },
  ];
  const postgresUrl = process.env.DATABASE_URL;
  if (postgresUrl) {
    const databases: Database[] = [];
    const schemas: string[] = [];
    backends.push({
      name: 'postgres',
      async open(now) {
        const schema = `parley_shared_${randomBytes(5).toString('hex')}`;
        schemas.push(schema);
        const first = await openDatabase({ databaseUrl: postgresUrl, schema, poolSize: 8 });
        const second = await openDatabase({ databaseUrl: postgresUrl, schema, poolSize: 8 });
        databases.push(first, second);
        return [
          postgresSharedState(first.db, now, first.openConnection),
          postgresSharedState(second.db, now, second.openConnection),
        ];
      },
      async cleanup() {
        for (const database of databases.splice(0)) await database.close();
        const client = new pg.Client({ connectionString: postgresUrl });
        await client.connect();
        try {
          for (const schema of schemas.splice(0))
            await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        } finally {
          await client.end();
        }
      },
    });
  }
  warnWithoutRedis();
  if (testRedisUrl) {
    const states: SharedState[] = [];
    backends.push({
      name: 'redis',
      async open(now) {
        const keyPrefix = freshRedisPrefix();
        const pair = [
          await redisSharedState({ url: testRedisUrl, keyPrefix }, now),
          await redisSharedState({ url: testRedisUrl, keyPrefix }, now),
        ] as [SharedState, SharedState];
        states.push(...pair);
        return pair;
      },
      async cleanup() {
        for (const state of states.splice(0)) await state.close();
      },
    });
  }
  return backends;
}
