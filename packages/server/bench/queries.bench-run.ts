// Analytics, ledger and experiment queries over 100,000 generated conversations, on SQLite and
// on PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test, in a schema of
// its own that is dropped afterwards): `pnpm --filter @parley/server bench:queries`. Prints the
// median and the worst of 5 runs (BENCH_RUNS; after one warm-up) per query per backend against
// the 200 ms target, read from the daily rollups (what the server does) and, as the same-run
// baseline, from every conversation row (`figures: 'conversations'`). The data: 90 days, 5 agents
// with 3 versions, 30 % attributed to 200 customers with tags, 5 % with a lead, 20 % analysed,
// per-day latency histograms, and an experiment over 20,000 of the conversations with one turn
// each. It is loaded with the rollup migration taken back, then the migration runs (its backfill
// is timed), as on a database that had the conversations before the upgrade.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { it } from 'vitest';
import { experimentResults } from '../src/experiments/results.js';
import { agentConfigSchema } from '../src/schemas.js';
import { openDatabase } from '../src/storage/database.js';
import { latencyBucket } from '../src/storage/latency-buckets.js';
import { createStore } from '../src/storage/store.js';
import { migratorOf } from '../src/test-utils/databases.js';
import type { Store } from '../src/storage/store.js';

const total = Number(process.env.BENCH_CONVERSATIONS ?? 100_000);
const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const dayMs = 86_400_000;
const lastDay = Date.parse('2026-12-01T00:00:00.000Z');
const targetMs = 200;
const runs = Number(process.env.BENCH_RUNS ?? 5);

/** A small deterministic generator (mulberry32): the same data on both backends. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

async function insertAll<T>(store: Store, table: string, rows: T[]): Promise<void> {
  const { db } = store.database;
  for (let start = 0; start < rows.length; start += 500)
    await db
      .insertInto(table as 'conversations')
      .values(rows.slice(start, start + 500) as never)
      .execute();
}

async function generate(
  store: Store,
): Promise<{ agentIds: string[]; experimentId: string; backfillMs: number }> {
  const migrator = await migratorOf(store.database);
  const down = await migrator.migrateTo('0012_query_indexes');
  if (down.error) throw new Error('migrating down failed', { cause: down.error });
  const next = random(19);
  const agentIds: string[] = [];
  for (let a = 0; a < 5; a += 1) {
    const agent = await store.agents.create(
      {
        slug: `agent-${a}`,
        name: `Agent ${a}`,
        description: '',
        publish: true,
        config: agentConfigSchema.parse({ instructions: `Agent ${a}.` }),
      },
      null,
    );
    for (let v = 2; v <= 3; v += 1)
      await store.agents.createVersion(
        agent.id,
        { config: agentConfigSchema.parse({ instructions: `v${v}` }), note: '', publish: false },
        null,
      );
    agentIds.push(agent.id);
  }
  const experiment = await store.experiments.create(agentIds[0]!, {
    name: 'bench',
    arms: [
      { version: 1, weight: 1 },
      { version: 2, weight: 1 },
    ],
  });
  const conversations = [];
  const customers = [];
  const leads = [];
  const analyses = [];
  const assignments = [];
  const turns = [];
  const histogram = new Map<string, number>();
  const statuses = ['completed', 'completed', 'completed', 'client_closed', 'idle_timeout'];
  for (let i = 0; i < total; i += 1) {
    const id = `conv_${String(i).padStart(6, '0')}`;
    const inExperiment = i % 5 === 0;
    const agentId = inExperiment ? agentIds[0]! : agentIds[Math.floor(next() * 5)]!;
    const version = inExperiment ? 1 + (i % 2) : 1 + Math.floor(next() * 3);
    const started = new Date(lastDay - next() * 90 * dayMs).toISOString();
    const cost = Math.round(next() * 40_000) / 100_000;
    conversations.push({
      id,
      agent_id: agentId,
      agent_version: version,
      mode: 'relay',
      model: next() < 0.8 ? 'gpt-realtime' : 'gpt-realtime-mini',
      client_id: null,
      status: statuses[Math.floor(next() * statuses.length)]!,
      end_reason: null,
      started_at: started,
      ended_at: started,
      duration_ms: Math.round(next() * 600_000),
      input_tokens: Math.round(next() * 5000),
      output_tokens: Math.round(next() * 3000),
      cost_usd: cost,
      item_count: 6,
      usage_seconds: 0,
    });
    if (next() < 0.3)
      customers.push({
        conversation_id: id,
        customer_id: `cust-${Math.floor(next() * 200)}`,
        tags: JSON.stringify(next() < 0.5 ? ['pilot'] : ['web', 'spring']),
        created_at: started,
      });
    if (next() < 0.05)
      leads.push({
        id: `lead_${i}`,
        agent_id: agentId,
        conversation_id: id,
        name: 'Lead',
        email: null,
        phone: null,
        notes: '',
        notified: 0,
        notify_error: null,
        created_at: started,
      });
    if (next() < 0.2)
      analyses.push({
        conversation_id: id,
        agent_id: agentId,
        status: 'done',
        summary: 'A summary.',
        extracted: null,
        success: next() < 0.6 ? 1 : 0,
        rationale: null,
        model: 'bench',
        error: null,
        created_at: started,
      });
    const firstAudioMs = Math.round(300 + next() * 900);
    const key = `${started.slice(0, 10)}\u0000${agentId}\u0000${version}\u0000${latencyBucket(firstAudioMs)}`;
    histogram.set(key, (histogram.get(key) ?? 0) + 1);
    if (inExperiment) {
      assignments.push({
        conversation_id: id,
        experiment_id: experiment.id,
        version,
        created_at: started,
      });
      turns.push({
        id: `turn_${i}`,
        conversation_id: id,
        seq: 0,
        first_audio_ms: firstAudioMs,
        tool_ms: 0,
        tool_calls: 0,
        responses: 1,
        created_at: started,
      });
    }
  }
  await insertAll(store, 'conversations', conversations);
  await insertAll(store, 'conversation_customers', customers);
  await insertAll(store, 'leads', leads);
  await insertAll(store, 'conversation_analyses', analyses);
  await insertAll(store, 'experiment_assignments', assignments);
  await insertAll(store, 'turns', turns);
  await insertAll(
    store,
    'latency_histogram',
    [...histogram].map(([key, count]) => {
      const [day, agent_id, agent_version, bucket] = key.split('\u0000');
      return {
        day,
        agent_id,
        agent_version: Number(agent_version),
        metric: 'first_audio',
        bucket: Number(bucket),
        count,
      };
    }),
  );
  const started = performance.now();
  const up = await migrator.migrateToLatest();
  if (up.error) throw new Error('the rollup migration failed', { cause: up.error });
  return { agentIds, experimentId: experiment.id, backfillMs: performance.now() - started };
}

/** A query, and whether it reads conversations' figures (rollups or raw rows). */
type Query = [name: string, run: () => Promise<unknown>, readsFigures: boolean];

function queries(store: Store, agentIds: string[], experimentId: string): Query[] {
  const to = new Date(lastDay).toISOString().slice(0, 10);
  const from90 = new Date(lastDay - 89 * dayMs).toISOString().slice(0, 10);
  return [
    // The same-run reference: one full scan of conversations, nothing of Parley's logic.
    [
      'baseline: count(*) of conversations',
      () => sql`select count(*) from conversations`.execute(store.database.db),
      false,
    ],
    ['analytics, 30 days, all agents', () => store.analytics.summary({ to }), true],
    ['analytics, 90 days, all agents', () => store.analytics.summary({ from: from90, to }), true],
    [
      'analytics, 90 days, one agent',
      () => store.analytics.summary({ agentId: agentIds[1], from: from90, to }),
      true,
    ],
    ...(['day', 'agent', 'version', 'customer', 'conversation'] as const).map((groupBy): Query => [
      `ledger by ${groupBy}, 90 days`,
      () => store.ledger.ledger({ groupBy, from: from90, to, limit: 1000 }),
      true,
    ]),
    [
      'ledger, one customer, 90 days',
      () =>
        store.ledger.ledger({
          groupBy: 'day',
          customerId: 'cust-7',
          from: from90,
          to,
          limit: 1000,
        }),
      true,
    ],
    [
      'ledger, one tag, 90 days',
      () =>
        store.ledger.ledger({ groupBy: 'customer', tag: 'pilot', from: from90, to, limit: 1000 }),
      true,
    ],
    [
      `experiment results (${total / 5} conversations)`,
      async () => experimentResults(store, (await store.experiments.get(experimentId))!),
      false,
    ],
  ];
}

async function measure(run: () => Promise<unknown>): Promise<{ median: number; max: number }> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(runs / 2)]!, max: times[runs - 1]! };
}

type Figures = { median: number; max: number };

it(`times analytics and ledger queries over ${total} conversations`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-bench-queries-'));
  const schema = `parley_bench_${randomBytes(6).toString('hex')}`;
  const backends = [
    { name: 'sqlite', open: () => openDatabase({ dataDir: dir }) },
    {
      name: 'postgres',
      open: () => openDatabase({ databaseUrl: postgresUrl, schema, poolSize: 4 }),
    },
  ];
  // query → `${backend} ${source}` → figures
  const results = new Map<string, Map<string, Figures>>();
  const notes: string[] = [];
  try {
    for (const backend of backends) {
      const database = await backend.open();
      const store = createStore(database);
      const raw = createStore(database, { figures: 'conversations' });
      try {
        const started = performance.now();
        const { agentIds, experimentId, backfillMs } = await generate(store);
        // Freshly bulk-loaded tables: give the planners statistics, as autovacuum (PostgreSQL)
        // would soon; SQLite's `analyze` is what `PRAGMA optimize` runs.
        await sql`analyze`.execute(database.db);
        notes.push(
          `${backend.name}: generated in ${((performance.now() - started) / 1000).toFixed(1)} s, of which the rollup backfill (migration 0013) ${(backfillMs / 1000).toFixed(2)} s`,
        );
        const rawQueries = queries(raw, agentIds, experimentId);
        for (const [index, [name, run, readsFigures]] of queries(
          store,
          agentIds,
          experimentId,
        ).entries()) {
          const row = results.get(name) ?? new Map<string, Figures>();
          row.set(`${backend.name} rollups`, await measure(run));
          if (readsFigures) row.set(`${backend.name} raw`, await measure(rawQueries[index]![1]));
          results.set(name, row);
        }
      } finally {
        await store.close();
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  }
  console.log([...notes, ...table(results)].join('\n'));
});

/** The figures as a table: raw and rollups per backend, the speed-up, and the target. */
function table(results: Map<string, Map<string, Figures>>): string[] {
  const width = 20;
  const cell = (f: Figures | undefined) =>
    (f ? `${f.median.toFixed(1)} (${f.max.toFixed(1)})` : '—').padEnd(width);
  const ratio = (row: Map<string, Figures>, backend: string) => {
    const before = row.get(`${backend} raw`);
    const after = row.get(`${backend} rollups`);
    return before && after ? `${(before.median / after.median).toFixed(0)}x` : '—';
  };
  const columns = ['sqlite raw', 'sqlite rollups', 'postgres raw', 'postgres rollups'];
  const lines = [
    `${total} conversations; median (max) of ${runs} runs in ms; target ${targetMs} ms; load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
    `${'query'.padEnd(42)}${columns.map((c) => c.padEnd(width)).join('')}${'speed-up'.padEnd(12)}within target`,
  ];
  for (const [name, row] of results) {
    const within = ['sqlite', 'postgres'].every(
      (backend) => (row.get(`${backend} rollups`)?.median ?? Infinity) < targetMs,
    );
    lines.push(
      `${name.padEnd(42)}${columns.map((c) => cell(row.get(c))).join('')}${`${ratio(row, 'sqlite')}/${ratio(row, 'postgres')}`.padEnd(12)}${within ? 'yes' : 'NO'}`,
    );
  }
  return lines;
}
