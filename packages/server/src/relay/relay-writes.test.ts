import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@parley/emulator';
import { connectBrowser } from '../../test/relay-helpers.js';
import type { TestBrowser } from '../../test/relay-helpers.js';
import { silentLogger } from '../logger.js';
import { agentConfigSchema } from '../schemas.js';
import { createParleyServer } from '../server.js';
import type { ParleyServer } from '../server.js';
import { createStore } from '../storage/store.js';
import type { Store } from '../storage/store.js';
import { testBackends } from '../test-utils/databases.js';

const apiKey = 'fake-key-relay-writes-test-0000000000';

describe.each(testBackends())('relay storage writes on $name', (backend) => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let parley: ParleyServer;
  let store: Store;
  let url: string;
  let browser: TestBrowser | undefined;
  // Storage of items and usage waits at this gate until the test opens it.
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let heldWrites = 0;

  beforeAll(async () => {
    emulator = await startEmulator({
      port: 0,
      host: '127.0.0.1',
      speechRate: Infinity,
      requireKey: apiKey,
    });
    store = createStore(await backend.open());
    await store.agents.create(
      {
        slug: 'tester',
        name: 'Tester',
        description: '',
        publish: true,
        config: agentConfigSchema.parse({ instructions: 'Test', transcriptionModel: null }),
      },
      null,
    );
    const real = store.conversations;
    const slow: Store = {
      ...store,
      conversations: {
        ...real,
        recordItem: async (...args: Parameters<typeof real.recordItem>) => {
          heldWrites += 1;
          await gate;
          return real.recordItem(...args);
        },
        recordResponse: async (...args: Parameters<typeof real.recordResponse>) => {
          heldWrites += 1;
          await gate;
          return real.recordResponse(...args);
        },
      },
    };
    parley = await createParleyServer({
      store: slow,
      seedTemplates: false,
      upstream: { kind: 'openai', apiKey, baseUrl: `${emulator.httpUrl}/v1` },
      logger: silentLogger,
      admin: { password: 'admin-password-123' },
      limits: { sessionRequestsPerMinute: 1000 },
    });
    url = (await parley.listen({ port: 0, host: '127.0.0.1' })).url;
  });

  afterAll(async () => {
    browser?.socket.terminate();
    open();
    await parley?.close();
    await emulator?.close();
    await store?.close();
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
      ['assistant', 'You said: first'],
      ['user', 'second'],
      ['assistant', 'You said: second'],
    ]);
    expect(detail.responses).toHaveLength(2);
  });
});
