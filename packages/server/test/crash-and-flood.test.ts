/**
 * Crash leftovers and a flood before the upstream is ready, reproduced the way they were found:
 * conversations a killed process left `active` forever, and one socket sending megabytes before
 * its conversation was configured (the queue used to count frames, 1,000 × 4 MiB).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createParleyServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { testBackends } from '../src/test-utils/databases.js';
import { createStore } from '../src/storage/store.js';
import { connectBrowser, publishTestAgent, startRelayStack } from './relay-helpers.js';

const offlineUpstream = {
  kind: 'openai',
  apiKey: 'sk-test',
  baseUrl: 'http://127.0.0.1:9/v1',
} as const;

describe.each(testBackends())('crash leftovers and floods on $name', (backend) => {
  afterAll(() => backend.cleanup());

  it('closes conversations a crashed process left active when it starts (resumable, reason server_lost)', async () => {
    const database = await backend.open();
    const hoursAgo = createStore(database, { now: () => new Date(Date.now() - 2 * 3600_000) });
    const store = createStore(database);
    const agent = await publishTestAgent(store, 'crashy', { instructions: 'x' });
    const start = (on: typeof store) =>
      on.conversations.start({
        agentId: agent.id,
        agentVersion: 1,
        mode: 'relay',
        model: 'gpt-realtime',
        clientId: null,
      });
    const old = await start(hoursAgo);
    const recent = await start(store);
    const parley = await createParleyServer({
      store,
      upstream: offlineUpstream,
      logger: silentLogger,
      seedTemplates: false,
      admin: { password: 'crash-test-password' },
    });
    try {
      const oldRow = await store.conversations.get(old);
      expect(oldRow).toMatchObject({ status: 'failed', endReason: 'server_lost' });
      const recentRow = await store.conversations.get(recent);
      // One process owns SQLite, so nothing of it is live; on PostgreSQL another instance may
      // still carry a conversation younger than the session limit.
      expect(recentRow?.status).toBe(backend.name === 'sqlite' ? 'failed' : 'active');
    } finally {
      await parley.close();
      await store.close();
    }
  });

  it('refuses a flood before the upstream is ready with an error event and close 4413', async () => {
    const stack = await startRelayStack({
      apiKey: 'fake-key-flood-test-0123456789',
      database: await backend.open(),
      seed: (store) =>
        publishTestAgent(store, 'flood', { instructions: 'x', transcriptionModel: null }),
    });
    try {
      const response = await fetch(`${stack.url}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agentId: 'flood' }),
      });
      const { url, ticket } = (await response.json()) as { url: string; ticket: string };
      const browser = await connectBrowser(url, ticket);
      const audio = 'A'.repeat(256 * 1024);
      // 2 MiB of audio events at once, before the relay could have configured the upstream.
      for (let index = 0; index < 8; index += 1) {
        browser.send({ type: 'input_audio_buffer.append', audio });
      }
      const error = await browser.waitFor((event) => event.type === 'error', 10_000);
      expect(error.error.code).toBe('client_flood');
      expect(await browser.closed).toEqual({ code: 4413, reason: 'client_flood' });
    } finally {
      await stack.close();
    }
  });
});
