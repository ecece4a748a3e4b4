// @vitest-environment node
// The console's money and post-call pages against a real server and real Chromium: the cost
// ledger's sums are the conversations' costs, a conversation's post-call analysis shows on its
// page, and a loopback webhook receiver gets a signed delivery (checked as a customer would), a
// retry with backoff after a failed first attempt, and both attempts show on the deliveries page.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Agent } from '@parley/server/schemas';
import { agentConfigSchema } from '@parley/server/schemas';
import { adminClient, screenshots, signIn, startConsole, typedConversation } from './console-stack';
import type { ConsoleStack } from './console-stack';

const secret = 'post-call-receiver-secret-42';
const firstRetryMs = 1_000;

interface Hit {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
}
const hits: Hit[] = [];
// The receiver refuses the first delivery (HTTP 500): the server must retry it.
const receiver = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    hits.push({ at: Date.now(), headers: request.headers, body: Buffer.concat(chunks).toString() });
    response.writeHead(hits.length === 1 ? 500 : 200).end();
  });
});

/** What a customer's receiver does (server README): HMAC-SHA256 of `<timestamp>.<body>`. */
function signatureIsValid(hit: Hit): boolean {
  const timestamp = String(hit.headers['x-parley-timestamp']);
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.${hit.body}`).digest('hex')}`;
  const given = Buffer.from(String(hit.headers['x-parley-signature']));
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
  return fresh && given.length === expected.length && timingSafeEqual(given, Buffer.from(expected));
}

/** `$0.0123` as a number. */
const dollars = (text: string | null) => Number((text ?? '').replace(/[$,]/g, ''));
const usd = (value: number) =>
  new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: 'USD',
    minimumFractionDigits: 2,
    maximumFractionDigits: 4,
  }).format(value);

let stack: ConsoleStack;
let page: Page;
let analysed: Agent;

beforeAll(async () => {
  mkdirSync(screenshots, { recursive: true });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/parley`;
  stack = await startConsole({
    name: 'post-call',
    server: {
      seedTemplates: false,
      outboundAllowlist: ['127.0.0.1'],
      postCallRetry: { attempts: 3, firstDelayMs: firstRetryMs, timeoutMs: 5_000 },
      // A hang-up is final (and analysed) once the resume window has passed: short here.
      limits: { resumeWindowMs: 500 },
    },
  });
  page = stack.page;
  const { store } = stack.parley;
  await store.agents.create(
    {
      ...{ slug: 'billed', name: 'Billed', description: '', publish: true },
      config: agentConfigSchema.parse({ instructions: 'You answer questions.' }),
    },
    null,
  );
  analysed = await store.agents.create(
    {
      ...{ slug: 'analysed', name: 'Analysed', description: '', publish: true },
      config: agentConfigSchema.parse({
        instructions: 'You help visitors.',
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
      }),
    },
    null,
  );
  // The signing secret goes in as an admin sets it (write-only).
  const admin = await adminClient(stack.origin);
  await admin.send('PUT', `/agents/${analysed.id}/post-call-secret`, { secret });
  await signIn(page, stack.origin);
}, 120_000);

afterAll(async () => {
  await stack?.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('cost ledger', () => {
  it('sums to the costs of the conversations, per conversation, per customer and in total', async () => {
    const { store } = stack.parley;
    const billed = (await store.agents.get('billed'))!;
    // Two relayed conversations priced by the relay, for two customers.
    const relayed = [
      await typedConversation(
        stack.origin,
        { agentId: 'billed', customerId: 'acme', tags: ['pilot'] },
        ['What are your opening hours?'],
      ),
      await typedConversation(stack.origin, { agentId: 'billed', customerId: 'globex' }, [
        'Do you deliver?',
        'And on Sundays?',
      ]),
    ];
    // Two with known costs through the store: one token-priced, one per-second (GPT-Live).
    const known = [
      { model: 'gpt-realtime', customerId: 'acme', costUsd: 0.0125 },
      { model: 'gpt-live-1', customerId: 'initech', costUsd: 0.05 },
    ];
    const stored: string[] = [];
    for (const [index, conversation] of known.entries()) {
      const id = await store.conversations.start({
        ...{ agentId: billed.id, agentVersion: 1, mode: 'relay', clientId: null },
        model: conversation.model,
      });
      await store.ledger.attribute(id, { customerId: conversation.customerId, tags: [] });
      if (conversation.model === 'gpt-live-1') {
        await store.conversations.addUsageSeconds(id, 60, conversation.costUsd);
      } else {
        await store.conversations.recordResponse(id, {
          ...{ responseId: `resp_known_${index}`, status: 'completed', latencyMs: 300 },
          ...{ inputTokens: 1000, outputTokens: 500, inputTextTokens: 1000, inputAudioTokens: 0 },
          ...{ cachedTokens: 0, outputTextTokens: 500, outputAudioTokens: 0 },
          costUsd: conversation.costUsd,
        });
      }
      await store.conversations.end(id, { status: 'completed', endReason: 'agent_ended' });
      stored.push(id);
    }
    const costs = new Map<string, number>();
    for (const id of [...relayed, ...stored])
      costs.set(id, (await store.conversations.detail(id)).conversation.costUsd);
    expect(costs.get(stored[0]!)).toBe(0.0125);
    expect(costs.get(stored[1]!)).toBe(0.05);
    for (const id of relayed) expect(costs.get(id)).toBeGreaterThan(0);
    const total = [...costs.values()].reduce((sum, cost) => sum + cost, 0);

    await page.goto(`${stack.origin}/admin/#/ledger`);
    const ledger = page.getByTestId('ledger');
    await page.getByLabel('Agent', { exact: true }).selectOption(billed.id);
    await page.getByLabel('Group by').selectOption('conversation');
    await expect.poll(() => ledger.locator('tbody tr').count(), { timeout: 10_000 }).toBe(4);
    // Each conversation's row is its cost; the last column of every row adds up to the total.
    const rows = await ledger.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => ({
        href: tr.querySelector('a')?.getAttribute('href') ?? '',
        cost: tr.querySelector('td:last-child')?.textContent ?? '',
      })),
    );
    for (const [id, cost] of costs) {
      const row = rows.find((candidate) => candidate.href.endsWith(`/conversations/${id}`));
      expect(row?.cost).toBe(usd(cost));
    }
    await expect.poll(() => page.getByTestId('ledger-total').textContent()).toBe(usd(total));

    await page.getByLabel('Group by').selectOption('customer');
    await expect.poll(() => ledger.locator('tbody tr').count()).toBe(3);
    const byCustomer = await ledger
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [
          tr.querySelector('td')?.textContent?.trim(),
          tr.querySelector('td:last-child')?.textContent,
        ]),
      );
    const acme = costs.get(relayed[0]!)! + 0.0125;
    expect(Object.fromEntries(byCustomer)).toEqual({
      acme: usd(acme),
      globex: usd(costs.get(relayed[1]!)!),
      initech: usd(0.05),
    });
    expect(byCustomer.reduce((sum, [, cost]) => sum + dollars(cost ?? null), 0)).toBeCloseTo(
      total,
      3,
    );
    expect(await page.getByTestId('ledger-total').textContent()).toBe(usd(total));
    await page.getByLabel('Group by').selectOption('day');
    await expect.poll(() => page.getByTestId('ledger-total').textContent()).toBe(usd(total));
    await page.screenshot({ path: join(screenshots, 'ledger.png'), fullPage: true });
  }, 120_000);
});

describe('post-call analysis and webhook', () => {
  let conversationId = '';

  it('shows the analysis of an ended conversation on its page', async () => {
    conversationId = await typedConversation(stack.origin, { agentId: 'analysed' }, [
      'I need a plumber this week',
    ]);
    const { store } = stack.parley;
    await expect
      .poll(
        async () => (await store.postCall.analyses([conversationId])).get(conversationId)?.status,
        {
          timeout: 20_000,
        },
      )
      .toBe('done');
    const analysis = (await store.postCall.analyses([conversationId])).get(conversationId)!;
    expect(analysis.summary).toContain('I need a plumber this week');

    await page.goto(`${stack.origin}/admin/#/conversations/${conversationId}`);
    const card = page.getByTestId('analysis');
    await card.waitFor();
    await card.getByText(analysis.summary!, { exact: true }).waitFor();
    await card.locator('.badge', { hasText: 'success' }).waitFor();
    await card.getByText(`Verdict: ${analysis.rationale!}`).waitFor();
    const fields = await card
      .locator('tbody tr')
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)),
      );
    expect(Object.fromEntries(fields)).toEqual({
      topic: String(analysis.extracted!.topic),
      urgency: 'low',
      budget: '100',
    });
    await page.screenshot({ path: join(screenshots, 'analysis.png'), fullPage: true });
  }, 60_000);

  it('delivers a signed webhook, retries a failed attempt after its backoff, and lists both', async () => {
    await expect.poll(() => hits.length, { timeout: 20_000 }).toBe(2);
    const [first, second] = hits as [Hit, Hit];
    for (const hit of hits) expect(signatureIsValid(hit)).toBe(true);
    // A receiver with another secret would refuse it.
    expect(signatureIsValid({ ...first, body: first.body.replace('plumber', 'plumbers') })).toBe(
      false,
    );
    expect(first.headers['x-parley-attempt']).toBe('1');
    expect(second.headers['x-parley-attempt']).toBe('2');
    expect(second.headers['x-parley-delivery']).toBe(first.headers['x-parley-delivery']);
    expect(second.body).toBe(first.body);
    expect(second.at - first.at).toBeGreaterThanOrEqual(firstRetryMs - 50);
    const payload = JSON.parse(second.body) as {
      conversation: { id: string };
      analysis: { status: string };
      transcript: { text: string }[];
    };
    expect(payload.conversation.id).toBe(conversationId);
    expect(payload.analysis.status).toBe('done');
    expect(payload.transcript[0]!.text).toBe('I need a plumber this week');

    await stack.parley.postCall.idle();
    await page.goto(`${stack.origin}/admin/#/webhooks`);
    const table = page.getByTestId('deliveries');
    await table.waitFor();
    const rows = await table.locator('tbody tr').evaluateAll((trs) =>
      trs.map((tr) => {
        const cells = [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '');
        const outcome = tr.querySelector('.badge')?.textContent?.trim();
        return {
          href: tr.querySelector('a')?.getAttribute('href') ?? '',
          attempt: cells[4],
          outcome,
          http: cells[6],
        };
      }),
    );
    // Newest first: the delivered retry above the failed first attempt, both this conversation's.
    expect(rows.map(({ attempt, outcome, http }) => [attempt, outcome, http])).toEqual([
      ['2', 'delivered', '200'],
      ['1', 'failed', '500'],
    ]);
    for (const row of rows) expect(row.href).toContain(`/conversations/${conversationId}`);
    await page.screenshot({ path: join(screenshots, 'webhook-deliveries.png'), fullPage: true });
  }, 60_000);
});
