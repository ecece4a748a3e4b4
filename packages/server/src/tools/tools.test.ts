import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { FakeClock } from '@parley/core/test-utils';
import { agentConfigSchema } from '../schemas.js';
import { silentLogger } from '../logger.js';
import { testBackends } from '../test-utils/databases.js';
import { createStore } from '../storage/store.js';
import type { Store } from '../storage/store.js';
import { analyzePropertyDeal, builtinTools } from './builtin-tools.js';
import { createMailer, createOutboxMailer } from './mailer.js';
import type { Mailer } from './mailer.js';
import { runTool } from './tool-runner.js';
import type { ToolRunContext } from './tool-runner.js';
import { ToolError } from './types.js';
import type { ServerTool, ToolContext } from './types.js';
import { signWebhook, webhookTool } from './webhook-tool.js';
import { createUrlGuard } from './url-guard.js';

/** The tests' webhook receiver listens on loopback, which only an allowlist lets through. */
const loopbackGuard = createUrlGuard(['127.0.0.1']);

interface Received {
  from: string;
  to: string[];
  body: string;
}

function startSmtp(): Promise<{ server: SMTPServer; port: number; messages: Received[] }> {
  const messages: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = (server as unknown as { server: Server }).server.address() as AddressInfo;
      resolve({ server, port: address.port, messages });
    });
  });
}

const tool = (name: string) => builtinTools.get(name)!;

describe('analyze_property_deal', () => {
  it('computes cap rate, cash-on-cash return and monthly cash flow', () => {
    const deal = analyzePropertyDeal({
      purchasePrice: 300_000,
      monthlyRent: 2_500,
      downPaymentPercent: 25,
      interestRatePercent: 6,
      loanTermYears: 30,
      vacancyRatePercent: 5,
      monthlyOperatingExpenses: 600,
      closingCosts: 9_000,
    });
    // Loan 225,000 at 6 % over 30 years: 1,348.99 a month.
    expect(deal.monthlyMortgagePayment).toBeCloseTo(1348.99, 1);
    // NOI = 2,500 × 12 × 0.95 − 600 × 12 = 21,300; cap rate 7.1 %.
    expect(deal.netOperatingIncomeAnnual).toBe(21_300);
    expect(deal.capRatePercent).toBe(7.1);
    // Cash flow = 21,300 − 12 × 1,348.99 = 5,112.10 a year; invested 75,000 + 9,000.
    expect(deal.monthlyCashFlow).toBeCloseTo(426.01, 1);
    expect(deal.cashOnCashReturnPercent).toBeCloseTo(6.09, 1);
  });

  it('handles an all-cash purchase and a zero interest rate', () => {
    expect(
      analyzePropertyDeal({ purchasePrice: 100_000, monthlyRent: 1_000, downPaymentPercent: 100 })
        .monthlyMortgagePayment,
    ).toBe(0);
    expect(
      analyzePropertyDeal({
        purchasePrice: 120_000,
        monthlyRent: 1_000,
        interestRatePercent: 0,
        loanTermYears: 10,
        downPaymentPercent: 0,
      }).monthlyMortgagePayment,
    ).toBe(1000);
  });

  it('reports no cash-on-cash return when next to nothing is invested', () => {
    // The emulator's old placeholder arguments: once reported -31.93 % on 0.00000020 dollars.
    const deal = analyzePropertyDeal({ purchasePrice: 0.000001, monthlyRent: 0 });
    expect(deal.cashOnCashReturnPercent).toBeNull();
    expect(deal.note).toBe('No cash is invested, so there is no cash-on-cash return.');
    expect(
      analyzePropertyDeal({ purchasePrice: 100_000, monthlyRent: 1_000, downPaymentPercent: 0 })
        .cashOnCashReturnPercent,
    ).toBeNull();
    expect(
      analyzePropertyDeal({ purchasePrice: 10, monthlyRent: 0 }).cashOnCashReturnPercent,
    ).not.toBeNull();
  });
});

describe('tool runner', () => {
  const context = { log: () => undefined, callId: 'call_1' } as unknown as ToolContext;
  const slow: ServerTool<{ ms: number }> = {
    name: 'slow',
    description: '',
    parameters: {},
    args: z.object({ ms: z.number() }),
    timeoutMs: 50,
    execute: ({ ms }) => new Promise((resolve) => setTimeout(() => resolve({ done: true }), ms)),
  };

  it('returns a structured error for malformed JSON and for invalid arguments', async () => {
    const malformed = await runTool(slow, '{nope', context);
    expect(malformed.outcome).toBe('error');
    expect(JSON.parse(malformed.output).error.code).toBe('invalid_arguments');
    const invalid = await runTool(slow, '{"ms":"soon"}', context);
    expect(JSON.parse(invalid.output).error.issues[0].path).toBe('ms');
  });

  it('times a tool out', async () => {
    vi.useFakeTimers();
    try {
      const pending = runTool(slow, '{"ms":1000}', context);
      await vi.advanceTimersByTimeAsync(60);
      const result = await pending;
      expect(JSON.parse(result.output).error.code).toBe('timeout');
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports the failure as data beside the output the model reads', async () => {
    const invalid = await runTool(slow, '{"ms":"soon"}', context);
    expect(invalid.error).toEqual(JSON.parse(invalid.output).error);
    expect(invalid.error).toMatchObject({ code: 'invalid_arguments', issues: [{ path: 'ms' }] });
    const ok = await runTool(slow, '{"ms":0}', context);
    expect(ok).toMatchObject({ outcome: 'ok', error: null, output: '{"done":true}' });
  });

  it('aborts the signal a tool holds when it gives up, on the clock it is given', async () => {
    const clock = new FakeClock();
    let signal: AbortSignal | undefined;
    const held: ServerTool<object> = {
      ...slow,
      args: z.object({}),
      execute: (_args, given) => {
        signal = given.signal;
        return new Promise(() => undefined);
      },
    };
    const pending = runTool(held, '{}', context, { clock });
    await vi.waitFor(() => expect(signal).toBeDefined());
    expect(signal?.aborted).toBe(false);
    clock.advance(50);
    const result = await pending;
    expect(signal?.aborted).toBe(true);
    expect(result.error).toEqual({
      code: 'timeout',
      message: 'the tool did not finish within 50 ms',
    });
    expect(result.durationMs).toBe(50);
  });

  it('hides what an unexpected failure says and keeps a tool error’s code and status', async () => {
    const throwing = (error: Error): ServerTool<object> => ({
      ...slow,
      args: z.object({}),
      execute: () => Promise.reject(error),
    });
    const hidden = await runTool(throwing(new Error('ECONNREFUSED 10.0.0.7:5432')), '{}', context);
    expect(hidden.error).toEqual({ code: 'tool_failed', message: 'the tool failed' });
    const own = await runTool(
      throwing(new ToolError('http_error', 'HTTP 502', 502)),
      '{}',
      context,
    );
    expect(own.error).toEqual({ code: 'http_error', message: 'HTTP 502', status: 502 });
  });

  it('logs every call with its duration and outcome', async () => {
    const lines: unknown[] = [];
    const result = await runTool(slow, '{"ms":0}', {
      ...context,
      log: (_m, fields) => lines.push(fields),
    });
    expect(result.outcome).toBe('ok');
    expect(lines[0]).toMatchObject({ tool: 'slow', outcome: 'ok', durationMs: expect.any(Number) });
  });
});

describe.each(testBackends())('built-in and webhook tools on $name', (backend) => {
  let store: Store;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let mailer: Mailer;
  let hook: Server;
  let hookUrl: string;
  const hookRequests: { headers: Record<string, unknown>; body: string }[] = [];
  let agentId = '';
  let ended: string | null = null;
  let slowAbandoned = 0;
  const now = new Date('2026-04-01T12:00:00Z');

  const context = (overrides: Partial<ToolRunContext> = {}): ToolRunContext => ({
    store,
    mailer,
    agent: {
      id: agentId,
      name: 'Cap',
      config: agentConfigSchema.parse({ instructions: 'x', notifyEmail: 'sales@example.com' }),
    },
    conversationId: null,
    callId: 'call_test',
    now: () => now,
    requestEnd: (reason) => {
      ended = reason;
    },
    log: silentLogger.info,
    ...overrides,
  });

  beforeAll(async () => {
    store = createStore(await backend.open());
    const agent = await store.agents.create(
      {
        slug: 'cap',
        name: 'Cap',
        description: '',
        config: agentConfigSchema.parse({ instructions: 'x' }),
        publish: true,
      },
      null,
    );
    agentId = agent.id;
    smtp = await startSmtp();
    mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${smtp.port}`,
      from: 'Parley <parley@example.com>',
    });
    hook = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        hookRequests.push({ headers: request.headers, body });
        if (request.url === '/slow') {
          const timer = setTimeout(() => response.end('{}'), 2000);
          response.on('close', () => {
            if (!response.writableFinished) slowAbandoned += 1;
            clearTimeout(timer);
          });
        } else if (request.url === '/huge') {
          response.end(JSON.stringify({ blob: 'x'.repeat(10_000) }));
        } else if (request.url === '/fail') {
          response.writeHead(500).end('boom');
        } else {
          response.setHeader('content-type', 'application/json');
          response.end(JSON.stringify({ status: 'shipped', echo: JSON.parse(body).arguments }));
        }
      });
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    mailer?.close();
    await new Promise<void>((resolve) => (smtp ? smtp.server.close(() => resolve()) : resolve()));
    hook?.closeAllConnections();
    await new Promise<void>((resolve) => (hook ? hook.close(() => resolve()) : resolve()));
    await store?.close();
    await backend.cleanup();
  });

  it('capture_lead stores the lead and emails the notify address over SMTP', async () => {
    const result = await runTool(
      tool('capture_lead'),
      JSON.stringify({ name: 'Ada Lovelace', email: 'ada@example.com', notes: 'Wants a duplex' }),
      context(),
    );
    expect(result.outcome).toBe('ok');
    expect(JSON.parse(result.output)).toMatchObject({ saved: true, teamNotified: true });
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0]!.to).toEqual(['sales@example.com']);
    expect(smtp.messages[0]!.body).toContain('Ada Lovelace');
    expect(smtp.messages[0]!.body).toContain('Wants a duplex');
    const leads = await store.leads.listLeads({ agentId });
    expect(leads[0]).toMatchObject({ name: 'Ada Lovelace', notified: true, notifyError: null });
  });

  it('capture_lead requires an email or a phone and records a failed email', async () => {
    const invalid = await runTool(
      tool('capture_lead'),
      JSON.stringify({ name: 'No Contact' }),
      context(),
    );
    expect(JSON.parse(invalid.output).error.code).toBe('invalid_arguments');
    const broken = createMailer({ smtpUrl: 'smtp://127.0.0.1:9' });
    const result = await runTool(
      tool('capture_lead'),
      JSON.stringify({ name: 'Bob', phone: '+1 555 010 0199' }),
      context({ mailer: broken }),
    );
    expect(JSON.parse(result.output)).toMatchObject({ saved: true, teamNotified: false });
    const bob = (await store.leads.listLeads({ agentId })).find(
      (lead) => lead.name === 'Bob',
    );
    expect(bob?.notifyError).toBeTruthy();
  });

  it('search_knowledge_base finds the agent documents', async () => {
    await store.knowledge.createDocument({
      agentId,
      title: 'Fees',
      content: 'Our buyer commission is paid by the seller.',
    });
    const result = await runTool(
      tool('search_knowledge_base'),
      '{"query":"who pays the commission"}',
      context(),
    );
    expect(JSON.parse(result.output).results[0].title).toBe('Fees');
    const none = await runTool(tool('search_knowledge_base'), '{"query":"zebra"}', context());
    expect(JSON.parse(none.output).results).toEqual([]);
  });

  it('schedule_call stores a future slot and rejects past or malformed times', async () => {
    const ok = await runTool(
      tool('schedule_call'),
      JSON.stringify({
        name: 'Ada',
        contact: 'ada@example.com',
        startsAt: '2026-04-02T15:30:00-04:00',
      }),
      context(),
    );
    expect(JSON.parse(ok.output)).toMatchObject({
      scheduled: true,
      startsAt: '2026-04-02T19:30:00.000Z',
    });
    const past = await runTool(
      tool('schedule_call'),
      JSON.stringify({ name: 'Ada', contact: 'ada@example.com', startsAt: '2026-03-31T09:00:00Z' }),
      context(),
    );
    expect(JSON.parse(past.output).error.code).toBe('past_time');
    const malformed = await runTool(
      tool('schedule_call'),
      JSON.stringify({ name: 'Ada', contact: 'ada@example.com', startsAt: 'next tuesday' }),
      context(),
    );
    expect(JSON.parse(malformed.output).error.code).toBe('invalid_arguments');
    expect(await store.leads.listScheduledCalls({ agentId })).toHaveLength(1);
  });

  it('end_conversation asks the relay to close', async () => {
    await runTool(tool('end_conversation'), '{"reason":"visitor said bye"}', context());
    expect(ended).toBe('visitor said bye');
  });

  const record = (path: string, overrides: Record<string, unknown> = {}) => ({
    id: 't1',
    name: 'order_status',
    description: '',
    parameters: {
      type: 'object',
      properties: { orderId: { type: 'string' } },
      required: ['orderId'],
    },
    kind: 'webhook' as const,
    url: `${hookUrl}${path}`,
    hasSecret: true,
    secret: 'webhook-secret-0123456789',
    timeoutMs: 300,
    maxResponseBytes: 1024,
    createdAt: '',
    updatedAt: '',
    ...overrides,
  });

  it('a mailer whose sender gave up sends nothing', async () => {
    const sent = smtp.messages.length;
    const given = AbortSignal.abort(new Error('the tool timed out'));
    await expect(
      mailer.send({ to: 'sales@example.com', subject: 'late', text: 'x' }, { signal: given }),
    ).rejects.toThrow('the tool timed out');
    const kept: unknown[] = [];
    const outbox = createOutboxMailer((message) => Promise.resolve(kept.push(message)));
    await expect(
      outbox.send({ to: 'sales@example.com', subject: 'late', text: 'x' }, { signal: given }),
    ).rejects.toThrow('the tool timed out');
    expect(kept).toEqual([]);
    expect(smtp.messages.length).toBe(sent);
  });

  it('webhook tools POST signed JSON and return the answer', async () => {
    // A generous limit: the first request to the hook opens a connection, which a loaded CI machine
    // can hold past the 300 ms the timeout test below relies on.
    const result = await runTool(
      webhookTool(record('/orders', { timeoutMs: 5000 }), loopbackGuard),
      '{"orderId":"A-1"}',
      context(),
    );
    expect(JSON.parse(result.output)).toEqual({ status: 'shipped', echo: { orderId: 'A-1' } });
    const request = hookRequests.at(-1)!;
    const timestamp = request.headers['x-parley-timestamp'] as string;
    expect(request.headers['x-parley-signature']).toBe(
      signWebhook('webhook-secret-0123456789', timestamp, request.body),
    );
  });

  it('webhook tools validate arguments against their JSON schema', async () => {
    const count = hookRequests.length;
    const result = await runTool(
      webhookTool(record('/orders'), loopbackGuard),
      '{"order":1}',
      context(),
    );
    expect(JSON.parse(result.output).error.code).toBe('invalid_arguments');
    expect(hookRequests.length).toBe(count);
  });

  it('webhook tools time out, cap the response size and report HTTP errors', async () => {
    const slow = await runTool(
      webhookTool(record('/slow'), loopbackGuard),
      '{"orderId":"A"}',
      context(),
    );
    expect(JSON.parse(slow.output).error.code).toBe('timeout');
    // The runner's signal ended the request: the webhook does not run on after the answer.
    await vi.waitFor(() => expect(slowAbandoned).toBe(1));
    const huge = await runTool(
      webhookTool(record('/huge'), loopbackGuard),
      '{"orderId":"A"}',
      context(),
    );
    expect(JSON.parse(huge.output).error.code).toBe('response_too_large');
    const failed = await runTool(
      webhookTool(record('/fail'), loopbackGuard),
      '{"orderId":"A"}',
      context(),
    );
    expect(JSON.parse(failed.output).error.code).toBe('http_error');
  });
});
