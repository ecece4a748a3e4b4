// Experiments end to end over loopback HTTP and the relay (emulator upstream): a split of
// simulated visitors follows the weights, a visitor keeps their version, the relay serves the
// assigned version's config and records it, results come per version, and promote publishes
// the chosen version and ends the split in one action.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfHeaderName } from '@parley/server/schemas';
import type { Experiment, ExperimentResults } from '@parley/server/schemas';
import { testBackends } from '../src/test-utils/databases.js';
import { agentConfigSchema } from '../src/schemas.js';
import { connectBrowser, publishTestAgent, startRelayStack } from './relay-helpers.js';
import type { RelayStack } from './relay-helpers.js';

const apiKey = 'test-key-experiments';

describe.each(testBackends())('experiments over HTTP on $name', (backend) => {
  let stack: RelayStack;
  let cookie = '';
  let csrf = '';
  let experiment: Experiment;

  async function call(path: string, body?: unknown, admin = true) {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (admin) {
      headers.cookie = cookie;
      headers[csrfHeaderName] = csrf;
    }
    const response = await fetch(`${stack.url}${path}`, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: response.status, json: (await response.json()) as any };
  }

  /** A session grant for a visitor, and the version the experiment recorded for it. */
  async function grant(visitorId?: string) {
    const answer = await call('/api/sessions', { agentId: 'ab', visitorId }, false);
    expect(answer.status).toBe(200);
    const assigned = await stack.store.experiments.assignment(answer.json.conversationId);
    return { session: answer.json, version: assigned?.version };
  }

  beforeAll(async () => {
    stack = await startRelayStack({
      apiKey,
      database: await backend.open(),
      seed: async (store) => {
        const agent = await publishTestAgent(store, 'ab', { instructions: 'One.', voice: 'alloy' });
        await store.agents.createVersion(
          agent.id,
          {
            config: agentConfigSchema.parse({ instructions: 'Two.', voice: 'verse' }),
            note: 'challenger',
            publish: false,
          },
          null,
        );
      },
      server: {
        admin: { email: 'owner@example.com', password: 'correct horse battery' },
        limits: { sessionRequestsPerMinute: 100_000 },
      },
    });
    const login = await fetch(`${stack.url}/api/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'owner@example.com', password: 'correct horse battery' }),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  });
  afterAll(async () => {
    await stack?.close();
    await backend.cleanup();
  });

  it('starts an experiment behind sign-in, with at least two existing versions', async () => {
    const arms = [
      { version: 1, weight: 1 },
      { version: 2, weight: 3 },
    ];
    expect(
      (await call('/api/admin/agents/ab/experiments', { name: 'voice', arms }, false)).status,
    ).toBe(401);
    const one = await call('/api/admin/agents/ab/experiments', { name: 'x', arms: [arms[0]] });
    expect(one.status).toBe(400);
    const created = await call('/api/admin/agents/ab/experiments', { name: 'voice', arms });
    expect(created.status).toBe(201);
    experiment = created.json;
    expect(experiment).toMatchObject({ status: 'running', arms });
    const again = await call('/api/admin/agents/ab/experiments', { name: 'again', arms });
    expect(again.status).toBe(409);
  });

  it('splits 400 simulated visitors within tolerance of the 1:3 weights', async () => {
    const n = 400;
    const versions: (number | undefined)[] = [];
    // In batches: each grant is a few writes, and the machine may be busy.
    for (let start = 0; start < n; start += 25) {
      const batch = Array.from({ length: 25 }, (_, i) => grant(`visitor-${start + i}`));
      versions.push(...(await Promise.all(batch)).map((granted) => granted.version));
    }
    const challenger = versions.filter((version) => version === 2).length;
    expect(versions.filter((version) => version === 1).length).toBe(n - challenger);
    // The experiment id is random, so the draw is too: ±0.11 around 0.75 is over five standard
    // deviations of Binomial(400, 0.75) (σ = 0.022), a failure once in ten million runs.
    expect(Math.abs(challenger / n - 0.75)).toBeLessThan(0.11);
  }, 120_000);

  it('keeps a visitor on their version (by visitorId, else by client address)', async () => {
    for (const visitor of ['visitor-1', 'visitor-2', 'visitor-3']) {
      const first = (await grant(visitor)).version;
      for (let again = 0; again < 4; again += 1) expect((await grant(visitor)).version).toBe(first);
    }
    const anonymous = (await grant()).version;
    for (let again = 0; again < 4; again += 1) expect((await grant()).version).toBe(anonymous);
  });

  it("serves the assigned version's config through the relay and records the version", async () => {
    let visitor = 0;
    let granted = await grant(`relay-${visitor}`);
    while (granted.version !== 2) granted = await grant(`relay-${(visitor += 1)}`);
    const browser = await connectBrowser(granted.session.url, granted.session.ticket);
    const updated = await browser.waitFor((event) => event.type === 'session.updated');
    expect(updated.session.audio.output.voice).toBe('verse');
    browser.socket.close();
    await expect
      .poll(
        async () => (await stack.store.conversations.get(granted.session.conversationId))?.status,
      )
      .not.toBe('active');
    const stored = await stack.store.conversations.get(granted.session.conversationId);
    expect(stored?.agentVersion).toBe(2);

    const results = await call(`/api/admin/experiments/${experiment.id}`);
    expect(results.status).toBe(200);
    const body = results.json as ExperimentResults;
    expect(body.arms.map((arm) => arm.version)).toEqual([1, 2]);
    // Grants without a connection started no conversation: only the relayed one counts.
    expect(body.arms[1]!.conversations).toBe(1);
    expect(body.arms[0]!.assigned + body.arms[1]!.assigned).toBeGreaterThan(400);
    expect(body.arms[1]!.versusBaseline?.completion).toBeNull();
  });

  it('promotes a version in one action: published, experiment ended, no more assignments', async () => {
    const wrong = await call(`/api/admin/experiments/${experiment.id}/promote`, { version: 7 });
    expect(wrong.status).toBe(400);
    const promoted = await call(`/api/admin/experiments/${experiment.id}/promote`, { version: 2 });
    expect(promoted.status).toBe(200);
    expect(promoted.json).toMatchObject({ status: 'ended', promotedVersion: 2 });
    expect((await call('/api/admin/agents/ab')).json.agent.publishedVersion).toBe(2);
    const twice = await call(`/api/admin/experiments/${experiment.id}/promote`, { version: 1 });
    expect(twice.status).toBe(409);
    const after = await grant('visitor-0');
    expect(after.version).toBeUndefined();
    const browser = await connectBrowser(after.session.url, after.session.ticket);
    const updated = await browser.waitFor((event) => event.type === 'session.updated');
    expect(updated.session.audio.output.voice).toBe('verse');
    browser.socket.close();
    const list = await call('/api/admin/experiments?agentId=' + experiment.agentId);
    expect(list.json.experiments).toHaveLength(1);
  });
});
