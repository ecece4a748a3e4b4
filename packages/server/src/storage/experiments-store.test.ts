import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentConfigSchema } from '../schemas.js';
import { testBackends } from '../test-utils/databases.js';
import { experimentResults } from '../experiments/results.js';
import { StoreError } from './errors.js';
import { createStore } from './store.js';
import type { Store } from './store.js';

const config = (instructions: string) => agentConfigSchema.parse({ instructions });

describe.each(testBackends())('experiments on $name', (backend) => {
  let store: Store;
  let agentId = '';
  let seq = 0;

  /** A conversation the experiment gave `version`, with a status, a cost, a lead and turns. */
  async function conversation(
    experimentId: string,
    version: number,
    input: {
      status: string;
      costUsd: number;
      lead?: boolean;
      success?: boolean;
      turnsMs?: number[];
    },
  ): Promise<string> {
    seq += 1;
    const id = `conv_${seq}`;
    await store.experiments.assign(id, experimentId, version);
    await store.conversations.start({
      id,
      agentId,
      agentVersion: version,
      mode: 'relay',
      model: 'gpt-realtime',
      clientId: null,
    });
    await store.database.db
      .updateTable('conversations')
      .set({ status: input.status, cost_usd: input.costUsd })
      .where('id', '=', id)
      .execute();
    if (input.lead)
      await store.leads.createLead({
        agentId,
        conversationId: id,
        name: 'Ada',
        email: 'a@example.com',
        phone: null,
        notes: '',
      });
    if (input.success !== undefined)
      await store.postCall.saveAnalysis({
        conversationId: id,
        agentId,
        status: 'done',
        summary: null,
        extracted: null,
        success: input.success,
        rationale: null,
        model: 'test',
        error: null,
      });
    for (const [index, ms] of (input.turnsMs ?? []).entries())
      await store.turns.record(id, {
        seq: index,
        firstAudioMs: ms,
        toolMs: 0,
        toolCalls: 0,
        responses: 1,
      });
    return id;
  }

  beforeAll(async () => {
    store = createStore(await backend.open());
    const agent = await store.agents.create(
      { slug: 'split', name: 'Split', description: '', publish: true, config: config('one') },
      null,
    );
    agentId = agent.id;
    await store.agents.createVersion(
      agentId,
      { config: config('two'), note: '', publish: false },
      null,
    );
    await store.agents.createVersion(
      agentId,
      { config: config('three'), note: '', publish: false },
      null,
    );
  });
  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });

  it('refuses an unpublished agent, unknown versions and a second running experiment', async () => {
    const draft = await store.agents.create(
      { slug: 'draft', name: 'Draft', description: '', publish: false, config: config('x') },
      null,
    );
    const arms = [
      { version: 1, weight: 1 },
      { version: 2, weight: 1 },
    ];
    await expect(store.experiments.create(draft.id, { name: 'x', arms })).rejects.toThrow(
      /publish the agent/,
    );
    await expect(
      store.experiments.create(agentId, { name: 'x', arms: [...arms, { version: 9, weight: 1 }] }),
    ).rejects.toThrow(/no version 9/);
    const first = await store.experiments.create(agentId, { name: 'first', arms });
    const second = store.experiments.create('split', { name: 'second', arms });
    await expect(second).rejects.toBeInstanceOf(StoreError);
    await expect(second).rejects.toMatchObject({ code: 'conflict' });
    expect((await store.experiments.running(agentId))?.id).toBe(first.id);
    expect(await store.experiments.end(first.id, null)).toBe(true);
    expect(await store.experiments.end(first.id, null)).toBe(false);
    expect(await store.experiments.running(agentId)).toBeUndefined();
  });

  it('keeps the first assignment of a conversation and computes results per version', async () => {
    const experiment = await store.experiments.create(agentId, {
      name: 'greeting',
      arms: [
        { version: 1, weight: 1 },
        { version: 2, weight: 1 },
        { version: 3, weight: 2 },
      ],
    });
    for (let i = 0; i < 12; i += 1)
      await conversation(experiment.id, 1, {
        status: i < 6 ? 'completed' : 'client_closed',
        costUsd: 0.1,
        lead: i < 3,
        success: i < 4,
        turnsMs: [400 + i],
      });
    for (let i = 0; i < 12; i += 1)
      await conversation(experiment.id, 2, {
        status: i < 11 ? 'completed' : 'active',
        costUsd: 0.3,
        lead: i < 9,
        success: i < 10,
        turnsMs: [600 + i, 700 + i],
      });
    // A resume grants the same conversation again: the first record stands.
    await store.experiments.assign('conv_1', experiment.id, 2);
    expect((await store.experiments.assignment('conv_1'))?.version).toBe(1);
    // A ticket never used: assigned, no conversation, counted nowhere.
    await store.experiments.assign('never-started', experiment.id, 3);

    const results = await experimentResults(store, experiment);
    const [one, two, three] = results.arms;
    expect(one).toMatchObject({
      version: 1,
      conversations: 12,
      completion: { n: 12, successes: 6, rate: 0.5 },
      leadCapture: { n: 12, successes: 3, rate: 0.25 },
      success: { n: 12, successes: 4 },
      latency: { turns: 12, p50: 405 },
      versusBaseline: null,
    });
    expect(one!.costPerConversationUsd).toBeCloseTo(0.1, 9);
    expect(two).toMatchObject({
      conversations: 12,
      completion: { n: 11, successes: 11, rate: 1 },
      leadCapture: { successes: 9 },
      latency: { turns: 24 },
    });
    expect(two!.costPerConversationUsd).toBeCloseTo(0.3, 9);
    const versus = two!.versusBaseline!;
    // 11/11 − 6/12: the whole interval above zero; cost +0.2 with no spread.
    expect(versus.completion!.low).toBeGreaterThan(0);
    expect(versus.completion!.high).toBeLessThanOrEqual(1);
    expect(versus.costPerConversationUsd!.low).toBeCloseTo(0.2, 6);
    expect(versus.latencyMeanMs!.low).toBeGreaterThan(0);
    // Version 3 has no conversations: figures are empty and the differences "not enough data".
    expect(results.arms.map((arm) => arm.assigned)).toEqual([12, 12, 1]);
    expect(three).toMatchObject({
      conversations: 0,
      completion: { n: 0, rate: null, interval: null },
      costPerConversationUsd: null,
      versusBaseline: {
        completion: null,
        leadCapture: null,
        success: null,
        latencyMeanMs: null,
        costPerConversationUsd: null,
      },
    });
    expect((await store.experiments.list(agentId)).map((e) => e.name)).toContain('greeting');
  });
});
