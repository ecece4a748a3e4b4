import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ParleyLimits } from '../src/server.js';
import { testBackends } from '../src/test-utils/databases.js';
import { connectBrowser, publishTestAgent, startRelayStack } from './relay-helpers.js';
import type { RelayStack, TestBrowser } from './relay-helpers.js';

const apiKey = 'fake-key-limits-test-key-0000000000';

describe.each(testBackends())('relay limits and failures on $name', (backend) => {
  const stacks: RelayStack[] = [];
  const browsers: TestBrowser[] = [];

  async function server(limits: ParleyLimits, faults?: { closeAfterEvents: number }) {
    const stack = await startRelayStack({
      apiKey,
      database: await backend.open(),
      seed: (store) =>
        publishTestAgent(store, 'tester', { instructions: 'Test', transcriptionModel: null }),
      server: { limits: { sessionRequestsPerMinute: 1000, ...limits } },
      ...(faults ? { faults } : {}),
    });
    stacks.push(stack);
    const { parley, store, url } = stack;
    const session = async () => {
      const response = await fetch(`${url}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agentId: 'tester' }),
      });
      return {
        status: response.status,
        body: (await response.json()) as { url: string; ticket: string },
      };
    };
    const open = async () => {
      const { body } = await session();
      const browser = await connectBrowser(body.url, body.ticket);
      browsers.push(browser);
      return browser;
    };
    return { parley, store, session, open };
  }

  let capped: Awaited<ReturnType<typeof server>>;
  let short: Awaited<ReturnType<typeof server>>;
  let dropping: Awaited<ReturnType<typeof server>>;

  beforeAll(async () => {
    capped = await server({ maxSessionsPerClient: 1, idleTimeoutMs: 2500 });
    short = await server({ maxSessionMs: 1000 });
    dropping = await server({}, { closeAfterEvents: 6 });
  });

  afterAll(async () => {
    for (const browser of browsers) browser.socket.terminate();
    for (const stack of stacks) await stack.close();
    await backend.cleanup();
  });

  it('caps concurrent sessions per client, at ticket time and at connect time', async () => {
    const first = await capped.session();
    const second = await capped.session();
    expect(second.status).toBe(200);
    const a = await connectBrowser(first.body.url, first.body.ticket);
    browsers.push(a);
    await a.waitFor((event) => event.type === 'session.updated');
    expect((await capped.session()).status).toBe(429);
    const b = await connectBrowser(second.body.url, second.body.ticket);
    browsers.push(b);
    expect((await b.waitFor((event) => event.type === 'error')).error.code).toBe(
      'too_many_sessions',
    );
    expect((await b.closed).code).toBe(4029);
    a.socket.close();
    await a.closed;
    await expect.poll(() => capped.parley.activeSessions()).toBe(0);
  });

  it('closes an idle session and tells the browser why', async () => {
    const browser = await capped.open();
    const error = await browser.waitFor((event) => event.type === 'error');
    expect(error.error.code).toBe('idle_timeout');
    expect(await browser.closed).toEqual({ code: 4008, reason: 'idle_timeout' });
    await expect
      .poll(async () => (await capped.store.conversations.list({ limit: 1 }))[0]?.endReason)
      .toBe('idle_timeout');
  });

  it('closes a session at its time limit and tells the browser why', async () => {
    const browser = await short.open();
    expect((await browser.waitFor((event) => event.type === 'error')).error.code).toBe(
      'session_time_limit',
    );
    expect((await browser.closed).code).toBe(4010);
  });

  it('reports an upstream drop to the browser and keeps the items that flowed before it', async () => {
    const browser = await dropping.open();
    await browser.waitFor((event) => event.type === 'session.updated');
    browser.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'are you there?' }],
      },
    });
    browser.send({ type: 'response.create' });
    const error = await browser.waitFor((event) => event.type === 'error');
    expect(error.error.code).toBe('upstream_closed');
    expect((await browser.closed).code).toBe(4502);
    await expect
      .poll(async () => (await dropping.store.conversations.list({ limit: 1 }))[0]?.status)
      .toBe('failed');
    const [conversation] = await dropping.store.conversations.list({ limit: 1 });
    const detail = await dropping.store.conversations.detail(conversation!.id);
    expect(detail.items.map((item) => item.text)).toEqual(['are you there?']);
    expect(detail.conversation.endReason).toBe('upstream_closed');
  });
});
