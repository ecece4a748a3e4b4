// Post-call analysis (through the emulator's Responses API) and the post-call webhook, end to
// end: a relayed conversation ends, the analysis is stored, and a loopback receiver that fails
// once gets a retried, correctly signed delivery; a conversation resumed after a drop is analysed
// and delivered once, over the whole of it.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../src/test-utils/databases.js';
import { postCallSecretKey } from '../src/post-call/post-call-service.js';
import { signWebhook } from '../src/tools/webhook-tool.js';
import { connectBrowser, publishTestAgent, startRelayStack } from './relay-helpers.js';
import type { RelayStack, TestBrowser } from './relay-helpers.js';

const apiKey = 'test-key-post-call';
const secret = 'post-call-secret-0123456789';
const resumeWindowMs = 3_000;

/** Asks for a relay session (resuming `resume` when given). */
async function grant(base: string, body: Record<string, unknown>) {
  const response = await fetch(`${base}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as {
    url: string;
    ticket: string;
    conversationId: string;
    resumeToken: string;
    resumed: boolean;
  };
}

/** Says `text` as typed input and waits for the answer. */
async function say(browser: TestBrowser, text: string): Promise<void> {
  browser.send({
    type: 'conversation.item.create',
    item: { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
  });
  browser.send({ type: 'response.create' });
  await browser.waitFor((event) => event.type === 'response.done');
}

interface Hit {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

describe.each(testBackends())('post-call work on $name', (backend) => {
  let stack: RelayStack;
  let receiverUrl = '';
  const hits: Hit[] = [];
  const receiver = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      hits.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
      // The first delivery fails: the server must retry it.
      response.writeHead(hits.length === 1 ? 500 : 200).end('ok');
    });
  });
  const browsers: TestBrowser[] = [];

  beforeAll(async () => {
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    stack = await startRelayStack({
      apiKey,
      database: await backend.open(),
      seed: async (store) => {
        const agent = await publishTestAgent(store, 'analysed', {
          instructions: 'You help visitors.',
          transcriptionModel: null,
          postCall: {
            summaryPrompt: 'Summarise what the visitor wanted in one sentence.',
            extractionSchema: {
              type: 'object',
              properties: {
                topic: { type: 'string' },
                urgency: { type: 'string', enum: ['low', 'high'] },
                budget: { type: 'integer', minimum: 100 },
              },
              required: ['topic', 'urgency', 'budget'],
            },
            successRubric: 'The visitor got an answer.',
            webhookUrl: receiverUrl,
          },
        });
        await store.admin.setSetting(postCallSecretKey(agent.id), secret);
      },
      server: {
        outboundAllowlist: ['127.0.0.1'],
        postCallRetry: { attempts: 3, firstDelayMs: 20, timeoutMs: 5_000 },
        // Post-call work waits for the resume window of a dropped conversation.
        limits: { resumeWindowMs: resumeWindowMs, sessionRequestsPerMinute: 1000 },
      },
    });
  });
  afterAll(async () => {
    for (const browser of browsers) browser.socket.terminate();
    await stack?.close();
    await new Promise((resolve) => receiver.close(resolve));
    await backend.cleanup();
  });

  it('analyses an ended conversation and delivers a signed webhook, retried after a failure', async () => {
    const session = (await (
      await fetch(`${stack.url}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ agentId: 'analysed', customerId: 'cust-7', tags: ['pilot'] }),
      })
    ).json()) as { url: string; ticket: string; conversationId: string };
    const browser = await connectBrowser(session.url, session.ticket);
    browsers.push(browser);
    await browser.waitFor((event) => event.type === 'session.updated');
    browser.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'I need a plumber this week' }],
      },
    });
    browser.send({ type: 'response.create' });
    await browser.waitFor((event) => event.type === 'response.done');
    browser.socket.close();

    const { store } = stack;
    await expect
      .poll(
        async () =>
          (await store.postCall.deliveries({ conversationId: session.conversationId, limit: 10 }))
            .length,
        { timeout: 15_000 },
      )
      .toBe(2);
    await stack.parley.postCall.idle();
    const deliveries = await store.postCall.deliveries({
      conversationId: session.conversationId,
      limit: 10,
    });
    expect(deliveries.map((d) => [d.attempt, d.outcome, d.httpStatus])).toEqual([
      [1, 'failed', 500],
      [2, 'delivered', 200],
    ]);

    // Both attempts: the same delivery, signed over `<timestamp>.<body>` with the agent's secret.
    expect(hits).toHaveLength(2);
    for (const [index, hit] of hits.entries()) {
      const timestamp = String(hit.headers['x-parley-timestamp']);
      expect(hit.headers['x-parley-signature']).toBe(signWebhook(secret, timestamp, hit.body));
      expect(hit.headers['x-parley-attempt']).toBe(String(index + 1));
      expect(hit.headers['x-parley-delivery']).toBe(hits[0]!.headers['x-parley-delivery']);
    }
    expect(signWebhook('another-secret-0123456', '1', hits[1]!.body)).not.toBe(
      hits[1]!.headers['x-parley-signature'],
    );
    const payload = JSON.parse(hits[1]!.body) as {
      event: string;
      conversation: { id: string; customerId: string; tags: string[]; status: string };
      transcript: { role: string; text: string }[];
      cost: { usd: number };
      analysis: { status: string; summary: string; extracted: Record<string, unknown> };
      toolCalls: unknown[];
    };
    expect(payload.event).toBe('conversation.ended');
    expect(payload.conversation).toMatchObject({
      id: session.conversationId,
      customerId: 'cust-7',
      tags: ['pilot'],
      status: 'completed',
    });
    expect(payload.transcript[0]).toMatchObject({
      role: 'user',
      text: 'I need a plumber this week',
    });
    expect(payload.transcript.some((line) => line.role === 'assistant')).toBe(true);
    expect(payload.cost.usd).toBeGreaterThan(0);
    expect(payload.toolCalls).toEqual([]);

    // The analysis: stored, schema-valid, and the same in the webhook.
    const analysis = (await store.postCall.analyses([session.conversationId])).get(
      session.conversationId,
    );
    expect(analysis).toMatchObject({ status: 'done', success: true, error: null });
    expect(analysis!.summary).toContain('I need a plumber this week');
    expect(analysis!.extracted).toEqual({ topic: expect.any(String), urgency: 'low', budget: 100 });
    expect(payload.analysis).toMatchObject({ status: 'done', extracted: analysis!.extracted });
    const summary = await store.analytics.summary({});
    expect(summary).toMatchObject({ successRate: 1, judgedConversations: 1 });
  });

  it('analyses and delivers a conversation resumed after a drop once, over the whole of it', async () => {
    const { store } = stack;
    const analysed: string[] = [];
    const saveAnalysis = store.postCall.saveAnalysis.bind(store.postCall);
    store.postCall.saveAnalysis = (analysis) => {
      analysed.push(analysis.conversationId);
      return saveAnalysis(analysis);
    };
    const first = await grant(stack.url, { agentId: 'analysed' });
    const browser = await connectBrowser(first.url, first.ticket);
    browsers.push(browser);
    await browser.waitFor((event) => event.type === 'session.updated');
    await say(browser, 'Plumber please');
    browser.socket.close();
    await expect
      .poll(async () => (await store.conversations.get(first.conversationId))?.status)
      .not.toBe('active');

    // The visitor comes back within the resume window and says more, then hangs up for good.
    const again = await grant(stack.url, {
      agentId: 'analysed',
      resume: { conversationId: first.conversationId, token: first.resumeToken },
    });
    expect(again.resumed).toBe(true);
    const resumed = await connectBrowser(again.url, again.ticket);
    browsers.push(resumed);
    await resumed.waitFor((event) => event.type === 'session.updated');
    await say(resumed, 'Budget 300');
    resumed.socket.close();

    const delivered = () =>
      hits.filter((hit) => hit.body.includes(first.conversationId)).map((hit) => hit.body);
    await expect.poll(() => delivered().length, { timeout: 20_000 }).toBe(1);
    // Past both ends' windows: nothing more comes.
    await new Promise((resolve) => setTimeout(resolve, resumeWindowMs + 500));
    await stack.parley.postCall.idle();
    expect(delivered()).toHaveLength(1);
    expect(analysed.filter((id) => id === first.conversationId)).toHaveLength(1);
    const analysis = (await store.postCall.analyses([first.conversationId])).get(
      first.conversationId,
    );
    expect(analysis!.summary).toContain('Plumber please');
    expect(analysis!.summary).toContain('Budget 300');
    const payload = JSON.parse(delivered()[0]!) as { transcript: { role: string; text: string }[] };
    expect(payload.transcript.filter((line) => line.role === 'user').map((l) => l.text)).toEqual([
      'Plumber please',
      'Budget 300',
    ]);
  }, 60_000);
});
