import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveCost } from '@parley/core';
import { agentConfigSchema } from '../schemas.js';
import { testBackends } from '../test-utils/databases.js';
import { createStore } from './store.js';
import type { Store } from './store.js';

const config = agentConfigSchema.parse({ instructions: 'You answer questions.' });

describe.each(testBackends())('turns and the cost ledger on $name', (backend) => {
  let store: Store;
  let clock = new Date('2026-05-01T10:00:00.000Z');
  let agentId = '';
  const conversations: string[] = [];

  async function conversation(input: {
    version: number;
    model?: string;
    at: string;
    responsesUsd?: number[];
    liveSeconds?: number;
    customerId?: string | null;
    tags?: string[];
  }): Promise<string> {
    clock = new Date(input.at);
    const id = `conv_${conversations.length + 1}`;
    if (input.customerId !== undefined || input.tags !== undefined)
      await store.ledger.attribute(id, {
        customerId: input.customerId ?? null,
        tags: input.tags ?? [],
      });
    await store.conversations.start({
      id,
      agentId,
      agentVersion: input.version,
      mode: 'relay',
      model: input.model ?? 'gpt-realtime',
      clientId: null,
    });
    for (const [index, costUsd] of (input.responsesUsd ?? []).entries()) {
      await store.conversations.recordResponse(id, {
        responseId: `${id}_resp_${index}`,
        status: 'completed',
        inputTokens: 100,
        outputTokens: 40,
        inputTextTokens: 20,
        inputAudioTokens: 80,
        cachedTokens: 0,
        outputTextTokens: 10,
        outputAudioTokens: 30,
        costUsd,
        latencyMs: 500,
      });
    }
    if (input.liveSeconds !== undefined)
      await store.conversations.addUsageSeconds(
        id,
        input.liveSeconds,
        liveCost(input.liveSeconds, input.model ?? null) ?? 0,
      );
    conversations.push(id);
    return id;
  }

  beforeAll(async () => {
    store = createStore(await backend.open(), { now: () => clock });
    const agent = await store.agents.create(
      { slug: 'ledger', name: 'Ledger', description: '', config, publish: true },
      null,
    );
    await store.agents.createVersion(agent.id, { config, note: 'v2', publish: true }, null);
    agentId = agent.id;
  });
  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });

  it('stores turns in order and reads p50/p95 per day, per version and per version and day', async () => {
    const first = await conversation({ version: 1, at: '2026-05-01T10:00:00.000Z' });
    const second = await conversation({ version: 2, at: '2026-05-02T10:00:00.000Z' });
    clock = new Date('2026-05-01T10:00:05.000Z');
    for (let seq = 1; seq <= 20; seq += 1)
      await store.turns.record(first, {
        seq,
        firstAudioMs: seq * 50, // 50 .. 1000
        toolMs: seq % 4 === 0 ? 300 : 0,
        toolCalls: seq % 4 === 0 ? 1 : 0,
        responses: seq % 4 === 0 ? 2 : 1,
      });
    clock = new Date('2026-05-02T10:00:05.000Z');
    await store.turns.record(second, {
      seq: 1,
      firstAudioMs: 90,
      toolMs: 0,
      toolCalls: 0,
      responses: 1,
    });
    // A turn the agent never answered with audio counts for tools, not for first audio.
    await store.turns.record(second, {
      seq: 2,
      firstAudioMs: null,
      toolMs: 40,
      toolCalls: 1,
      responses: 1,
    });

    const turns = await store.turns.list(first);
    expect(turns.map((t) => t.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(turns[3]).toMatchObject({ firstAudioMs: 200, toolMs: 300, toolCalls: 1, responses: 2 });

    const latency = await store.turns.latency({ agentId, from: '2026-05-01', to: '2026-05-31' });
    // 21 turns with audio: 50..1000 and 90; nearest rank 11 is 500, rank 20 is 950 (±1 %).
    expect(latency.overall.turns).toBe(21);
    expect(latency.overall.firstAudioMsP50).toBeCloseTo(500, -1);
    expect(Math.abs(latency.overall.firstAudioMsP95! - 950) / 950).toBeLessThan(0.011);
    expect(latency.overall).toMatchObject({ toolTurns: 6, toolMsP50: 300 });
    expect(latency.daily.map((d) => [d.day, d.turns])).toEqual([
      ['2026-05-01', 20],
      ['2026-05-02', 1],
    ]);
    expect(latency.versions.map((v) => [v.agentVersion, v.turns, v.toolTurns])).toEqual([
      [1, 20, 5],
      [2, 1, 1],
    ]);
    expect(latency.versions[1]).toMatchObject({ firstAudioMsP50: 90, toolMsP50: 40 });
    expect(latency.versionDaily).toHaveLength(2);
    // Analytics' headline latency is the same per-turn figure.
    const summary = await store.analytics.summary({
      agentId,
      from: '2026-05-01',
      to: '2026-05-31',
    });
    expect(summary.latencyMsP50).toBe(latency.overall.firstAudioMsP50);
    expect(summary.daily?.find((d) => d.day === '2026-05-02')?.latencyMsP50).toBe(90);
    // Outside the range, nothing.
    const empty = await store.turns.latency({ agentId, from: '2026-06-01', to: '2026-06-30' });
    expect(empty.overall).toMatchObject({ turns: 0, firstAudioMsP50: null, toolMsP95: null });
  });

  it("sums the ledger by every grouping to exactly the conversations' costs", async () => {
    await conversation({
      version: 1,
      at: '2026-05-03T09:00:00.000Z',
      responsesUsd: [0.0125, 0.03],
      customerId: 'acme',
      tags: ['trial', 'web'],
    });
    await conversation({
      version: 2,
      at: '2026-05-03T11:00:00.000Z',
      responsesUsd: [0.07],
      customerId: 'globex',
      tags: ['web'],
    });
    await conversation({
      version: 2,
      model: 'gpt-live-1',
      at: '2026-05-04T08:00:00.000Z',
      liveSeconds: 90,
      customerId: 'acme',
    });
    await conversation({ version: 2, at: '2026-05-04T09:00:00.000Z', responsesUsd: [0.001] });

    const listed = await store.conversations.list({ agentId, limit: 100 });
    const expected = listed.reduce((sum, c) => sum + c.costUsd, 0);
    expect(expected).toBeGreaterThan(0.18);
    const range = { from: '2026-05-01', to: '2026-05-31', limit: 1_000 } as const;
    for (const groupBy of ['conversation', 'agent', 'version', 'day', 'customer'] as const) {
      const ledger = await store.ledger.ledger({ ...range, groupBy });
      expect(ledger.totals.costUsd).toBeCloseTo(expected, 10);
      expect(ledger.rows.reduce((sum, row) => sum + row.costUsd, 0)).toBeCloseTo(expected, 10);
      expect(ledger.rows.reduce((sum, row) => sum + row.conversations, 0)).toBe(listed.length);
      expect(ledger.totals.tokenCostUsd + ledger.totals.perSecondCostUsd).toBeCloseTo(expected, 10);
    }
    const byConversation = await store.ledger.ledger({ ...range, groupBy: 'conversation' });
    for (const row of byConversation.rows) {
      const stored = listed.find((c) => c.id === row.conversationId);
      expect(row.costUsd).toBeCloseTo(stored!.costUsd, 12);
    }
    expect(byConversation.rows[0]?.conversationId).toBe('conv_6'); // newest first

    const byCustomer = await store.ledger.ledger({ ...range, groupBy: 'customer' });
    const acme = byCustomer.rows.find((row) => row.customerId === 'acme');
    // 0.0425 by token plus 90 s of GPT-Live at core's per-minute price.
    expect(acme?.tokenCostUsd).toBeCloseTo(0.0425, 10);
    expect(acme?.perSecondCostUsd).toBeCloseTo(liveCost(90, 'gpt-live-1')!, 10);
    expect(acme).toMatchObject({ conversations: 2, usageSeconds: 90 });
    expect(byCustomer.rows.find((row) => row.customerId === null)?.conversations).toBe(3);
    expect(byCustomer.prices.map((p) => [p.model, p.pricing])).toEqual([
      ['gpt-live-1', 'per_second'],
      ['gpt-realtime', 'tokens'],
    ]);
    expect(byCustomer.prices[0]?.perMinute?.active).toBe(0.05);

    const tagged = await store.ledger.ledger({ ...range, groupBy: 'conversation', tag: 'web' });
    expect(tagged.rows.map((row) => row.customerId).sort()).toEqual(['acme', 'globex']);
    expect(tagged.rows.find((row) => row.customerId === 'acme')?.tags).toEqual(['trial', 'web']);
    const onlyTrial = await store.ledger.ledger({ ...range, groupBy: 'day', tag: 'tri' });
    expect(onlyTrial.totals.conversations).toBe(0); // a tag matches whole, never a prefix

    const byVersion = await store.ledger.ledger({ ...range, groupBy: 'version', limit: 1 });
    expect(byVersion.rows).toHaveLength(1);
    expect(byVersion.truncated).toBe(true);
    expect(byVersion.totals.costUsd).toBeCloseTo(expected, 10);
    // A page of conversations: the newest two, the totals still over every one of them.
    const page = await store.ledger.ledger({ ...range, groupBy: 'conversation', limit: 2 });
    expect(page.rows.map((row) => row.conversationId)).toEqual(
      byConversation.rows.slice(0, 2).map((row) => row.conversationId),
    );
    expect(page.truncated).toBe(true);
    expect(page.totals).toEqual(byConversation.totals);
    expect(page.prices).toEqual(byConversation.prices);
  });

  it('keeps the first attribution of a conversation (a resume does not change whom it was for)', async () => {
    await store.ledger.attribute('conv_resumed', { customerId: 'first', tags: ['a'] });
    await store.ledger.attribute('conv_resumed', { customerId: 'second', tags: [] });
    clock = new Date('2026-05-05T00:00:00.000Z');
    await store.conversations.start({
      id: 'conv_resumed',
      agentId,
      agentVersion: 2,
      mode: 'relay',
      model: 'gpt-realtime',
      clientId: null,
    });
    const ledger = await store.ledger.ledger({
      groupBy: 'customer',
      from: '2026-05-05',
      to: '2026-05-05',
      limit: 10,
    });
    expect(ledger.rows.map((row) => row.customerId)).toEqual(['first']);
  });
});
