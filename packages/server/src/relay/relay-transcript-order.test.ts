import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectBrowser, publishTestAgent, startRelayStack } from '../../test/relay-helpers.js';
import type { RelayStack } from '../../test/relay-helpers.js';
import { testBackends } from '../test-utils/databases.js';

const apiKey = 'fake-key-relay-order-test-00000000000';

describe.each(testBackends())('the stored transcript on $name', (backend) => {
  let stack: RelayStack | undefined;

  beforeAll(async () => {
    stack = await startRelayStack({
      apiKey,
      database: await backend.open(),
      seed: (store) =>
        publishTestAgent(store, 'tester', { instructions: 'Test', transcriptionModel: null }),
      server: { limits: { sessionRequestsPerMinute: 1000 } },
      // Replies stream in real time, so the visitor can type while one is playing.
      speechRate: 1,
    });
  });

  afterAll(async () => {
    await stack?.close();
    await backend.cleanup();
  });

  it('keeps the order in which items were created: a message typed while the agent speaks comes after that reply', async () => {
    const { url, store } = stack!;
    const response = await fetch(`${url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'tester' }),
    });
    const session = (await response.json()) as { url: string; ticket: string };
    const browser = await connectBrowser(session.url, session.ticket);
    await browser.waitFor((event) => event.type === 'session.updated');
    browser.send({
      type: 'conversation.item.create',
      item: { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'first' }] },
    });
    browser.send({ type: 'response.create' });
    // The reply has started (its item exists) but is not done when the visitor types again.
    await browser.waitFor((event) => event.type === 'response.output_audio.delta', 30_000);
    browser.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'typed meanwhile' }],
      },
    });
    await browser.waitFor((event) => event.type === 'response.done', 30_000);
    browser.socket.close();
    await browser.closed;
    const [conversation] = await store.conversations.list({ limit: 1 });
    await expect
      .poll(async () => (await store.conversations.detail(conversation!.id)).items.length)
      .toBe(3);
    const detail = await store.conversations.detail(conversation!.id);
    expect(detail.items.map((item) => item.role)).toEqual(['user', 'assistant', 'user']);
    expect(detail.items[2]?.text).toBe('typed meanwhile');
    expect(detail.items[1]?.text).not.toBeNull();
    expect(detail.items[1]?.status).toBe('completed');
  }, 90_000);
});
