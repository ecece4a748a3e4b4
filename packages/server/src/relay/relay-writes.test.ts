import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectBrowser,
  publishTestAgent,
  startRelayStack,
  notUnderstood,
} from '../../test/relay-helpers.js';
import type { RelayStack, TestBrowser } from '../../test/relay-helpers.js';
import type { Store } from '../storage/store.js';
import { testBackends } from '../test-utils/databases.js';

const apiKey = 'fake-key-relay-writes-test-0000000000';

describe.each(testBackends())('relay storage writes on $name', (backend) => {
  let stack: RelayStack | undefined;
  let store: Store;
  let url: string;
  let browser: TestBrowser | undefined;
  // Storage of items and usage waits at this gate until the test opens it.
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let heldWrites = 0;

  beforeAll(async () => {
    stack = await startRelayStack({
      apiKey,
      database: await backend.open(),
      seed: (store) =>
        publishTestAgent(store, 'tester', { instructions: 'Test', transcriptionModel: null }),
      // Items and usage reach the real store only once the gate opens.
      serveStore: (real) => ({
        ...real,
        conversations: {
          ...real.conversations,
          recordItem: async (...args: Parameters<Store['conversations']['recordItem']>) => {
            heldWrites += 1;
            await gate;
            return real.conversations.recordItem(...args);
          },
          recordResponse: async (...args: Parameters<Store['conversations']['recordResponse']>) => {
            heldWrites += 1;
            await gate;
            return real.conversations.recordResponse(...args);
          },
        },
      }),
      server: { limits: { sessionRequestsPerMinute: 1000 } },
    });
    ({ store, url } = stack);
  });

  afterAll(async () => {
    browser?.socket.terminate();
    open();
    await stack?.close();
    await backend.cleanup();
  });

  it('relays while storage is stalled, then stores every item in order', async () => {
    const response = await fetch(`${url}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'tester' }),
    });
    const session = (await response.json()) as { url: string; ticket: string };
    browser = await connectBrowser(session.url, session.ticket);
    await browser.waitFor((event) => event.type === 'session.updated');
    for (const text of ['first', 'second']) {
      browser.send({
        type: 'conversation.item.create',
        item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
      });
      browser.send({ type: 'response.create' });
      // The whole turn reaches the browser although none of its writes has been stored.
      await browser.waitFor(
        (event) =>
          event.type === 'response.done' &&
          browser!.events.filter((seen) => seen.type === 'response.done').length ===
            (text === 'first' ? 1 : 2),
      );
    }
    expect(heldWrites).toBeGreaterThan(0);
    const [conversation] = await store.conversations.list({ limit: 1 });
    expect((await store.conversations.detail(conversation!.id)).items).toEqual([]);
    browser.socket.close();
    await browser.closed;
    open();
    await expect
      .poll(async () => (await store.conversations.list({ limit: 1 }))[0]?.status)
      .toBe('completed');
    const detail = await store.conversations.detail(conversation!.id);
    expect(detail.items.map((item) => [item.role, item.text])).toEqual([
      ['user', 'first'],
      ['assistant', notUnderstood('first')],
      ['user', 'second'],
      ['assistant', notUnderstood('second')],
    ]);
    expect(detail.responses).toHaveLength(2);
  });
});
