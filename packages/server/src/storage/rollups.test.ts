import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentConfigSchema } from '../schemas.js';
import type { LatencyFigures, LedgerQuery } from '../schemas.js';
import { migratorOf, testBackends } from '../test-utils/databases.js';
import type { Database } from './database.js';
import { createStore } from './store.js';
import type { Store } from './store.js';

const config = agentConfigSchema.parse({ instructions: 'You answer questions.' });
const dayMs = 86_400_000;
const firstDay = Date.parse('2026-04-01T00:00:00.000Z');

/** mulberry32: the same conversations on both backends and every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Asserts two answers are the same: every string, null and integer equal, other numbers (cost
 * and billed-second sums, rates) equal up to the order the floating-point sums were added in.
 */
function expectSame(actual: unknown, expected: unknown, path = 'answer'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isInteger(expected) && Number.isInteger(actual)) {
      expect(actual, path).toBe(expected);
      return;
    }
    expect(Math.abs(actual - expected), path).toBeLessThanOrEqual(
      1e-9 * Math.max(1, Math.abs(expected)),
    );
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((item, index) =>
      expectSame((actual as unknown[])[index], item, `${path}[${index}]`),
    );
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected))
      expectSame((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
    return;
  }
  expect(actual, path).toEqual(expected);
}

async function rollupRows(database: Database) {
  const order = sql`order by day, agent_id, agent_version, model`;
  const conversations = await sql<Record<string, unknown>>`
    select * from conversation_rollups ${order}`.execute(database.db);
  const customers = await sql<Record<string, unknown>>`
    select * from customer_rollups ${order}, customer_id, tags`.execute(database.db);
  // Both drivers' integer and float columns as plain numbers, in one shape.
  const plain = (rows: Record<string, unknown>[]) =>
    rows.map((row) =>
      Object.fromEntries(
        Object.entries(row).map(([key, value]) => [
          key,
          typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) && key !== 'day'
            ? Number(value)
            : value,
        ]),
      ),
    );
  return { conversations: plain(conversations.rows), customers: plain(customers.rows) };
}

describe.each(testBackends())('daily rollups on $name', (backend) => {
  let store: Store;
  let raw: Store;
  let clock = new Date(firstDay);
  const agents: string[] = [];
  const next = random(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;

  async function respond(id: string, index: number): Promise<void> {
    await store.conversations.recordResponse(id, {
      responseId: `${id}_${index}`,
      status: 'completed',
      inputTokens: Math.round(next() * 900),
      outputTokens: Math.round(next() * 400),
      inputTextTokens: 0,
      inputAudioTokens: 0,
      cachedTokens: 0,
      outputTextTokens: 0,
      outputAudioTokens: 0,
      costUsd: Math.round(next() * 1e6) / 1e7,
      latencyMs: null,
    });
  }

  async function analyse(id: string, agentId: string): Promise<void> {
    const verdict = next();
    await store.postCall.saveAnalysis({
      conversationId: id,
      agentId,
      status: 'done',
      summary: 'A summary.',
      extracted: null,
      success: verdict < 0.3 ? null : verdict < 0.7,
      rationale: null,
      model: 'emulator',
      error: null,
    });
  }

  /** One conversation through the store's own writes, with the late changes the relay makes. */
  async function converse(index: number): Promise<void> {
    const id = `conv_${String(index).padStart(3, '0')}`;
    clock = new Date(firstDay + Math.floor(next() * 6) * dayMs + Math.floor(next() * 80_000_000));
    const agentId = pick(agents);
    const live = next() < 0.15;
    const model = live ? 'gpt-live-1' : pick(['gpt-realtime', 'gpt-realtime-mini']);
    const attribution = next();
    if (attribution < 0.5)
      await store.ledger.attribute(id, {
        customerId: attribution < 0.4 ? pick(['acme', 'globex', 'initech']) : null,
        tags: pick([[], ['pilot'], ['web', 'spring'], ['pilot', 'web']]),
      });
    const version = pick([1, 2, null]);
    await store.conversations.start({
      id,
      agentId,
      agentVersion: version,
      mode: 'relay',
      model,
      clientId: null,
    });
    for (let r = 0; r < 1 + Math.floor(next() * 3); r += 1) {
      await respond(id, r);
      const toolCalls = next() < 0.3 ? 1 : 0;
      await store.turns.record(id, {
        seq: r,
        firstAudioMs: next() < 0.1 ? null : Math.round(next() * 1500),
        toolMs: toolCalls * Math.round(next() * 800),
        toolCalls,
        responses: 1,
      });
    }
    if (live) await store.conversations.addUsageSeconds(id, 30 + next() * 300, next() / 5);
    if (next() < 0.1)
      await store.leads.createLead({
        agentId,
        conversationId: id,
        name: 'Ada',
        email: null,
        phone: null,
        notes: '',
      });
    if (next() < 0.15) return; // still live
    clock = new Date(clock.getTime() + Math.floor(next() * 600_000));
    await store.conversations.end(id, {
      status: next() < 0.7 ? 'completed' : 'failed',
      endReason: 'done',
    });
    await lateWrites(id, agentId, live);
  }

  /** What can change a finished conversation: analysis, re-analysis, leads, resume, late usage. */
  async function lateWrites(id: string, agentId: string, live: boolean): Promise<void> {
    if (next() < 0.5) await analyse(id, agentId);
    if (next() < 0.2) await analyse(id, agentId);
    if (next() < 0.1)
      await store.leads.createLead({
        agentId,
        conversationId: id,
        name: 'Bo',
        email: null,
        phone: null,
        notes: '',
      });
    if (next() < 0.1) await respond(id, 9);
    if (live && next() < 0.3)
      await store.conversations.addUsageSeconds(id, 400 + next() * 60, next() / 5);
    if (next() < 0.15) {
      await store.conversations.reopen(id);
      await respond(id, 10);
      if (next() < 0.7) {
        clock = new Date(clock.getTime() + 60_000);
        await store.conversations.end(id, { status: 'completed', endReason: 'resumed' });
      }
    }
    if (next() < 0.05) await store.ledger.attribute(id, { customerId: 'late', tags: ['pilot'] });
  }

  beforeAll(async () => {
    const database = await backend.open();
    store = createStore(database, { now: () => clock });
    raw = createStore(database, { now: () => clock, figures: 'conversations' });
    for (const slug of ['sales', 'support', 'triage']) {
      const agent = await store.agents.create(
        { slug, name: slug, description: '', config, publish: true },
        null,
      );
      await store.agents.createVersion(agent.id, { config, note: 'v2', publish: false }, null);
      agents.push(agent.id);
    }
    for (let index = 0; index < 160; index += 1) await converse(index);
    // A process that died with live conversations: the next start ends those it owned.
    await store.conversations.closeAbandoned(new Date(firstDay + 2 * dayMs));
  }, 120_000);
  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });

  const ranges = [
    { from: '2026-04-01', to: '2026-04-06' },
    { from: '2026-04-02', to: '2026-04-04' },
    { from: '2026-04-05', to: '2026-04-05' },
    { from: '2026-03-01', to: '2026-03-31' },
  ];

  it('has both finished and live conversations, so both parts of a rollup query are read', async () => {
    const live = await store.database.db
      .selectFrom('conversations')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    expect(Number(live.count)).toBeGreaterThan(5);
    const { conversations, customers } = await rollupRows(store.database);
    expect(conversations.length).toBeGreaterThan(20);
    expect(customers.length).toBeGreaterThan(conversations.length);
    // A row whose last conversation left (a reopen) is deleted, not kept at zero.
    expect(conversations.every((row) => Number(row.conversations) > 0)).toBe(true);
    expect(customers.every((row) => Number(row.conversations) > 0)).toBe(true);
  });

  it('answers analytics from the rollups as from every conversation row', async () => {
    for (const range of ranges)
      for (const agentId of [undefined, ...agents]) {
        const query = { ...range, agentId };
        expectSame(await store.analytics.summary(query), await raw.analytics.summary(query));
      }
    const summary = await store.analytics.summary(ranges[0]!);
    expect(summary.conversations).toBe(160);
    expect(summary.judgedConversations).toBeGreaterThan(0);
    expect(summary.leadCaptureRate).toBeGreaterThan(0);
  });

  it("sums analytics' first-audio buckets per day as the full latency figures do", async () => {
    for (const range of ranges)
      for (const agentId of [undefined, ...agents]) {
        const full = await store.turns.latency({ ...range, agentId });
        const summed = await store.turns.firstAudioByDay({ ...range, agentId });
        const firstAudio = ({ turns, firstAudioMsP50, firstAudioMsP95 }: LatencyFigures) => ({
          turns,
          firstAudioMsP50,
          firstAudioMsP95,
        });
        expect(summed.overall).toMatchObject(firstAudio(full.overall));
        expect(summed.daily.map((row) => ({ day: row.day, ...firstAudio(row) }))).toEqual(
          full.daily
            .filter((row) => row.turns > 0)
            .map((row) => ({ day: row.day, ...firstAudio(row) })),
        );
      }
    expect((await store.analytics.summary(ranges[0]!)).latencyMsP50).toBeGreaterThan(0);
  });

  it('answers the ledger from the rollups as from every row, for every grouping and filter', async () => {
    const filters: Partial<LedgerQuery>[] = [
      {},
      { agentId: agents[1] },
      { customerId: 'acme' },
      { customerId: 'late' },
      { tag: 'pilot' },
      { tag: 'web', agentId: agents[0] },
      { customerId: 'globex', tag: 'spring' },
    ];
    for (const range of ranges.slice(0, 3))
      for (const filter of filters)
        for (const groupBy of ['day', 'agent', 'version', 'customer', 'conversation'] as const) {
          const query: LedgerQuery = { ...range, ...filter, groupBy, limit: 1000 };
          expectSame(await store.ledger.ledger(query), await raw.ledger.ledger(query));
        }
    const byVersion = await store.ledger.ledger({ ...ranges[0]!, groupBy: 'version', limit: 1000 });
    expect(byVersion.rows.some((row) => row.agentVersion === null)).toBe(true);
    expect(byVersion.prices.map((price) => price.pricing)).toContain('per_second');
    expect(byVersion.totals.perSecondCostUsd).toBeGreaterThan(0);
  });

  it('reads the rollups for finished conversations (a changed rollup row changes the answer)', async () => {
    const query = { ...ranges[0]!, groupBy: 'agent', limit: 1000 } as const;
    const before = await store.ledger.ledger(query);
    const { db } = store.database;
    const row = await db
      .selectFrom('conversation_rollups')
      .select(['day', 'agent_id', 'agent_version', 'model'])
      .executeTakeFirstOrThrow();
    const shift = (usd: number) =>
      db
        .updateTable('conversation_rollups')
        .set((eb) => ({ cost_usd: eb('cost_usd', '+', usd) }))
        .where('day', '=', row.day)
        .where('agent_id', '=', row.agent_id)
        .where('agent_version', '=', row.agent_version)
        .where('model', '=', row.model)
        .execute();
    await shift(1);
    try {
      const after = await store.ledger.ledger(query);
      expect(after.totals.costUsd - before.totals.costUsd).toBeCloseTo(1, 9);
      expect((await raw.ledger.ledger(query)).totals.costUsd).toBeCloseTo(before.totals.costUsd, 9);
    } finally {
      await shift(-1);
    }
  });

  it('backfills the same rollups from stored conversations as the writes kept up', async () => {
    const kept = await rollupRows(store.database);
    const { database } = store;
    const migrator = await migratorOf(database);
    expect((await migrator.migrateTo('0012_query_indexes')).error).toBeUndefined();
    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    expectSame(await rollupRows(database), kept);
  });

  it('drops the rollups of a deleted agent with its conversations', async () => {
    await store.agents.remove(agents[2]!);
    const { conversations, customers } = await rollupRows(store.database);
    expect(conversations.some((row) => row.agent_id === agents[2])).toBe(false);
    expect(customers.some((row) => row.agent_id === agents[2])).toBe(false);
    expectSame(await store.analytics.summary(ranges[0]!), await raw.analytics.summary(ranges[0]!));
  });
});
