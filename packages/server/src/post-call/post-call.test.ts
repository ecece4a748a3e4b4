import { describe, expect, it } from 'vitest';
import { postCallSettingsSchema } from '../schemas.js';
import type { UrlGuard } from '../tools/url-guard.js';
import type { DeliveryWrite } from '../storage/post-call-store.js';
import { analyseConversation, analysisSchema } from './analysis.js';
import { deliverWebhook } from './webhook-delivery.js';

const settings = postCallSettingsSchema.parse({
  extractionSchema: {
    type: 'object',
    properties: { budget: { type: 'integer' } },
    required: ['budget'],
  },
  successRubric: 'A booking was made.',
});

function answering(text: string, status = 200): typeof fetch {
  return () =>
    Promise.resolve(
      new Response(
        JSON.stringify({
          output: [{ type: 'message', content: [{ type: 'output_text', text }] }],
        }),
        { status },
      ),
    );
}

describe('post-call analysis', () => {
  it('asks only for the parts the agent configured', () => {
    const schema = analysisSchema(settings);
    expect(schema.required).toEqual(['extracted', 'success', 'rationale']);
  });

  it('stores extracted fields only when they match the schema', async () => {
    const endpoint = { url: 'http://responses.invalid', headers: {} };
    const good = await analyseConversation(
      {
        ...endpoint,
        fetch: answering('{"extracted":{"budget":300},"success":false,"rationale":"no"}'),
      },
      settings,
      'conv_1',
      'Visitor: hi',
    );
    expect(good).toMatchObject({ status: 'done', extracted: { budget: 300 }, success: false });
    const bad = await analyseConversation(
      { ...endpoint, fetch: answering('{"extracted":{"budget":"lots"},"success":true}') },
      settings,
      'conv_1',
      'Visitor: hi',
    );
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatch(/do not match the schema/);
    expect(bad.extracted).toBeNull();
    const notJson = await analyseConversation(
      { ...endpoint, fetch: answering('sorry') },
      settings,
      'conv_1',
      '',
    );
    expect(notJson).toMatchObject({ status: 'failed', error: 'the analysis was not JSON' });
    const refused = await analyseConversation(
      { ...endpoint, fetch: answering('{}', 429) },
      settings,
      'conv_1',
      '',
    );
    expect(refused.error).toBe('the Responses API answered HTTP 429');
  });

  it('refuses an extraction schema that is not an object schema', () => {
    expect(postCallSettingsSchema.safeParse({ extractionSchema: { type: 'string' } }).success).toBe(
      false,
    );
    expect(postCallSettingsSchema.safeParse({ webhookUrl: 'ftp://example.com/x' }).success).toBe(
      false,
    );
  });
});

describe('post-call webhook delivery', () => {
  const job = {
    conversationId: 'conv_1',
    agentId: 'agt_1',
    url: 'http://receiver.invalid/hook',
    secret: null,
    deliveryId: 'pcd_1',
    body: JSON.stringify({ event: 'conversation.ended' }),
  };
  /** A queue in memory: what the delivery claimed, rescheduled and removed. */
  function memoryQueue(claims = true) {
    const calls: string[] = [];
    return {
      calls,
      claim: (attempt: number) => {
        calls.push(`claim ${attempt}`);
        return Promise.resolve(claims);
      },
      reschedule: (next: number) => {
        calls.push(`reschedule ${next}`);
        return Promise.resolve();
      },
      remove: () => {
        calls.push('remove');
        return Promise.resolve();
      },
    };
  }
  const failing = {
    fetch: () => Promise.resolve(new Response('', { status: 503 })),
  } as unknown as UrlGuard;

  it('retries with doubling waits, logs every attempt and gives up after the last', async () => {
    const logged: DeliveryWrite[] = [];
    const waits: number[] = [];
    const queue = memoryQueue();
    const delivered = await deliverWebhook(job, {
      guard: failing,
      now: () => new Date('2026-05-01T00:00:00Z'),
      record: (attempt) => Promise.resolve(logged.push(attempt)),
      wait: (ms) => Promise.resolve(waits.push(ms) > 0),
      policy: { attempts: 4, firstDelayMs: 100, timeoutMs: 1_000 },
      queue,
    });
    expect(delivered).toBe(false);
    expect(queue.calls).toEqual([
      'claim 1',
      'reschedule 2',
      'claim 2',
      'reschedule 3',
      'claim 3',
      'reschedule 4',
      'claim 4',
      'remove',
    ]);
    expect(waits).toEqual([100, 200, 400]);
    expect(logged.map((a) => [a.attempt, a.outcome, a.httpStatus])).toEqual([
      [1, 'failed', 503],
      [2, 'failed', 503],
      [3, 'failed', 503],
      [4, 'gave_up', 503],
    ]);
  });

  it('stops retrying when the server stops, leaving the next attempt queued', async () => {
    const logged: DeliveryWrite[] = [];
    const queue = memoryQueue();
    await deliverWebhook(job, {
      guard: failing,
      now: () => new Date(),
      record: (attempt) => Promise.resolve(logged.push(attempt)),
      wait: () => Promise.resolve(false),
      policy: { attempts: 5, firstDelayMs: 100, timeoutMs: 1_000 },
      queue,
    });
    expect(logged).toHaveLength(1);
    expect(queue.calls).toEqual(['claim 1', 'reschedule 2']);
  });

  it('resumes at a queued attempt, and sends nothing another instance claimed', async () => {
    const logged: DeliveryWrite[] = [];
    const context = {
      guard: failing,
      now: () => new Date(),
      record: (attempt: DeliveryWrite) => Promise.resolve(logged.push(attempt)),
      wait: () => Promise.resolve(true),
      policy: { attempts: 4, firstDelayMs: 1, timeoutMs: 1_000 },
    };
    await deliverWebhook({ ...job, firstAttempt: 3 }, { ...context, queue: memoryQueue() });
    expect(logged.map((a) => [a.attempt, a.outcome])).toEqual([
      [3, 'failed'],
      [4, 'gave_up'],
    ]);
    const taken = memoryQueue(false);
    await deliverWebhook(job, { ...context, queue: taken });
    expect(logged).toHaveLength(2);
    expect(taken.calls).toEqual(['claim 1']);
  });
});
