// A post-call webhook retry that is pending when the server stops is not lost: the queued
// delivery survives the restart and the next server (same database) sends the next attempt,
// signed, with the same delivery id and body. The receiver is a loopback server in the test.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../src/test-utils/databases.js';
import { postCallSecretKey } from '../src/post-call/post-call-service.js';
import { signWebhook } from '../src/tools/webhook-tool.js';
import { connectBrowser, publishTestAgent, startRelayStack } from './relay-helpers.js';
import type { RelayStack } from './relay-helpers.js';

const apiKey = 'test-key-webhook-restart';
const secret = 'webhook-restart-secret-0123456789';

describe.each(testBackends())('webhook retries across a restart on $name', (backend) => {
  const hits: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  let accept = false;
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hits.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      response.writeHead(accept ? 200 : 503).end();
    });
  });
  let receiverUrl = '';
  const stacks: RelayStack[] = [];
  // A long first backoff: the retry is certainly still waiting when the server stops.
  const server = {
    outboundAllowlist: ['127.0.0.1'],
    postCallRetry: { attempts: 3, firstDelayMs: 600_000, timeoutMs: 5_000 },
    // A visitor's hang-up is final once the resume window has passed (kept short here).
    limits: { resumeWindowMs: 500 },
  };

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
  });
  afterAll(async () => {
    for (const stack of stacks) await stack.close().catch(() => undefined);
    await new Promise((resolve) => receiver.close(resolve));
    await backend.cleanup();
  });

  it('resumes the queued retry at the next start', async () => {
    const first = await startRelayStack({
      apiKey,
      database: await backend.open(),
      seed: async (store) => {
        const agent = await publishTestAgent(store, 'hooked', {
          instructions: 'You help visitors.',
          transcriptionModel: null,
          postCall: { webhookUrl: receiverUrl },
        });
        await store.admin.setSetting(postCallSecretKey(agent.id), secret);
      },
      server,
    });
    stacks.push(first);
    const session = (await (
      await fetch(`${first.url}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agentId: 'hooked' }),
      })
    ).json()) as { url: string; ticket: string; conversationId: string };
    const browser = await connectBrowser(session.url, session.ticket);
    await browser.waitFor((event) => event.type === 'session.updated');
    browser.socket.close();
    await expect.poll(() => hits.length, { timeout: 15_000 }).toBe(1);
    await expect
      .poll(async () => (await first.store.webhookQueue.pending())[0]?.nextAttempt, {
        timeout: 5_000,
      })
      .toBe(2);
    await first.close();
    stacks.pop();

    // The wait has passed while the server was down (as if it restarted ten minutes later).
    const database = await backend.reopen();
    await database.db
      .updateTable('webhook_queue')
      .set({ due_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    accept = true;
    const second = await startRelayStack({ apiKey, database, seed: async () => {}, server });
    stacks.push(second);
    await expect.poll(() => hits.length, { timeout: 15_000 }).toBe(2);
    await second.parley.postCall.idle();
    const deliveries = await second.store.postCall.deliveries({
      conversationId: session.conversationId,
      limit: 10,
    });
    expect(deliveries.map((d) => [d.attempt, d.outcome, d.httpStatus])).toEqual([
      [1, 'failed', 503],
      [2, 'delivered', 200],
    ]);
    expect(await second.store.webhookQueue.pending()).toEqual([]);
    const [before, after] = hits;
    expect(after!.body).toBe(before!.body);
    expect(after!.headers['x-parley-delivery']).toBe(before!.headers['x-parley-delivery']);
    expect(after!.headers['x-parley-attempt']).toBe('2');
    const timestamp = String(after!.headers['x-parley-timestamp']);
    expect(after!.headers['x-parley-signature']).toBe(signWebhook(secret, timestamp, after!.body));
  }, 60_000);
});
