// Voice preview, tool test-runs and the daily analytics series, over real HTTP on loopback,
// against the in-process emulator upstream.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  agentConfigSchema,
  analyticsSchema,
  csrfHeaderName,
  toolTestResultSchema,
  outboxListSchema,
} from '@parley/server/schemas';
import { createParleyServer } from '../src/server.js';
import type { ParleyServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { testBackends } from '../src/test-utils/databases.js';
import { createStore } from '../src/storage/store.js';

describe.each(testBackends())('admin extras on $name', (backend) => {
  let parley: ParleyServer;
  let base: string;
  let receiver: Server;
  let receiverUrl: string;
  const received: { path: string; body: any }[] = [];
  let cookie = '';
  let csrf = '';

  async function call(path: string, init: { body?: unknown; auth?: boolean; csrf?: string } = {}) {
    const headers: Record<string, string> = {};
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.auth !== false) headers.cookie = cookie;
    const token = init.csrf ?? csrf;
    if (init.auth !== false && token) headers[csrfHeaderName] = token;
    return fetch(`${base}${path}`, {
      method: init.body === undefined ? 'GET' : 'POST',
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
  }

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
        received.push({ path: request.url ?? '', body });
        if (request.url === '/slow') return; // never answers: the tool times out
        if (request.url === '/broken') {
          response.writeHead(503, { 'content-type': 'text/plain' }).end('down for maintenance');
          return;
        }
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify({ temperatureC: 21 }));
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    parley = await createParleyServer({
      store: createStore(await backend.open()),
      upstream: { kind: 'emulator' },
      logger: silentLogger,
      // The webhook receivers in these tests listen on loopback.
      outboundAllowlist: ['127.0.0.1'],
      seedTemplates: false,
      admin: { email: 'owner@example.com', password: 'correct horse battery' },
      voicePreview: { timeoutMs: 15_000 },
    });
    base = (await parley.listen({ port: 0, host: '127.0.0.1' })).url;
    const login = await call('/api/admin/login', {
      auth: false,
      body: { email: 'owner@example.com', password: 'correct horse battery' },
    });
    expect(login.status).toBe(200);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    csrf = ((await login.json()) as { csrfToken: string }).csrfToken;
  });

  afterAll(async () => {
    receiver?.closeAllConnections();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
    await parley?.close();
    await parley?.store.close();
    await backend.cleanup();
  });

  it('speaks a voice preview as a 24 kHz mono PCM16 WAV with real, non-silent audio', async () => {
    const response = await call('/api/admin/voice-preview', {
      body: { voice: 'cedar', speed: 1.2, text: 'Hello there, this is a preview.' },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    const wav = Buffer.from(await response.arrayBuffer());
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.toString('ascii', 8, 12)).toBe('WAVE');
    expect(wav.readUInt16LE(20)).toBe(1);
    expect(wav.readUInt16LE(22)).toBe(1);
    expect(wav.readUInt32LE(24)).toBe(24_000);
    expect(wav.readUInt16LE(34)).toBe(16);
    const dataBytes = wav.readUInt32LE(40);
    expect(dataBytes).toBe(wav.length - 44);
    expect(dataBytes).toBeGreaterThan(24_000 * 2 * 0.3); // over 0.3 s of audio
    let peak = 0;
    for (let offset = 44; offset + 1 < wav.length; offset += 2)
      peak = Math.max(peak, Math.abs(wav.readInt16LE(offset)));
    expect(peak).toBeGreaterThan(1000);
  });

  it('guards the voice preview: admin session, CSRF, and validated input', async () => {
    expect(
      (await call('/api/admin/voice-preview', { auth: false, body: { voice: 'cedar' } })).status,
    ).toBe(401);
    expect(
      (await call('/api/admin/voice-preview', { body: { voice: 'cedar' }, csrf: 'wrong' })).status,
    ).toBe(403);
    const tooLong = await call('/api/admin/voice-preview', {
      body: { voice: 'cedar', text: 'x'.repeat(301) },
    });
    expect(tooLong.status).toBe(400);
    const slow = await call('/api/admin/voice-preview', { body: { voice: 'cedar', speed: 9 } });
    expect(slow.status).toBe(400);
    expect(((await slow.json()) as any).error.code).toBe('invalid_request');
  });

  async function createTool(name: string, path: string, timeoutMs = 5000): Promise<string> {
    const response = await call('/api/admin/tools', {
      body: {
        kind: 'webhook',
        name,
        description: 'Weather',
        url: `${receiverUrl}${path}`,
        timeoutMs,
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { id: string }).id;
  }

  it('test-runs a webhook tool against a loopback receiver without recording a conversation', async () => {
    const id = await createTool('get_weather', '/weather');
    const response = await call(`/api/admin/tools/${id}/test`, {
      body: { arguments: { city: 'Oslo' } },
    });
    expect(response.status).toBe(200);
    const result = toolTestResultSchema.parse(await response.json());
    expect(result).toMatchObject({ ok: true, output: { temperatureC: 21 }, error: null });
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    const call1 = received.find((entry) => entry.path === '/weather');
    expect(call1?.body).toMatchObject({
      tool: 'get_weather',
      arguments: { city: 'Oslo' },
      conversationId: null,
      test: true,
    });
    expect(await parley.store.conversations.list({ limit: 10 })).toEqual([]);
  });

  it('reports invalid arguments without calling the webhook', async () => {
    const id = await createTool('get_weather_strict', '/strict');
    const response = await call(`/api/admin/tools/${id}/test`, {
      body: { arguments: { town: 'Oslo' } },
    });
    const result = toolTestResultSchema.parse(await response.json());
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^invalid_arguments/);
    expect(received.some((entry) => entry.path === '/strict')).toBe(false);
    expect(
      (await call(`/api/admin/tools/${id}/test`, { body: { arguments: 'nope' } })).status,
    ).toBe(400);
  });

  it('reports a timeout and an HTTP error status', async () => {
    const slowId = await createTool('slow_tool', '/slow', 300);
    const slow = toolTestResultSchema.parse(
      await (
        await call(`/api/admin/tools/${slowId}/test`, { body: { arguments: { city: 'Oslo' } } })
      ).json(),
    );
    expect(slow.ok).toBe(false);
    expect(slow.error).toMatch(/^timeout/);
    const brokenId = await createTool('broken_tool', '/broken');
    const broken = toolTestResultSchema.parse(
      await (
        await call(`/api/admin/tools/${brokenId}/test`, { body: { arguments: { city: 'Oslo' } } })
      ).json(),
    );
    expect(broken).toMatchObject({ ok: false, status: 503 });
    expect(broken.error).toMatch(/^http_error: .*503/);
    expect(
      (await call('/api/admin/tools/no-such-tool/test', { body: { arguments: {} } })).status,
    ).toBe(404);
  });

  it('test-runs built-ins by name, running those with side effects dry', async () => {
    const deal = toolTestResultSchema.parse(
      await (
        await call('/api/admin/tools/analyze_property_deal/test', {
          body: { arguments: { purchasePrice: 300000, monthlyRent: 2500 } },
        })
      ).json(),
    );
    expect(deal.ok).toBe(true);
    expect(deal.output).toBeTypeOf('object');

    const invalidLead = toolTestResultSchema.parse(
      await (
        await call('/api/admin/tools/capture_lead/test', { body: { arguments: { name: 'Ada' } } })
      ).json(),
    );
    expect(invalidLead.ok).toBe(false);
    expect(invalidLead.error).toMatch(/^invalid_arguments/);
    expect(invalidLead.output).toMatchObject({
      error: {
        issues: [{ path: 'email', message: 'an email address or a phone number is required' }],
      },
    });

    const agent = await parley.store.agents.create(
      {
        slug: 'lead-taker',
        name: 'Lead taker',
        description: '',
        config: agentConfigSchema.parse({
          instructions: 'Take leads.',
          tools: ['capture_lead'],
          notifyEmail: 'team@example.com',
        }),
        publish: true,
      },
      'owner@example.com',
    );
    const lead = toolTestResultSchema.parse(
      await (
        await call('/api/admin/tools/capture_lead/test', {
          body: {
            agentId: agent.slug,
            arguments: { name: 'Ada', email: 'ada@example.com', notes: 'Two-bed flat' },
          },
        })
      ).json(),
    );
    expect(lead).toMatchObject({
      ok: true,
      output: {
        saved: false,
        dryRun: true,
        wouldSave: { name: 'Ada', email: 'ada@example.com', phone: null, notes: 'Two-bed flat' },
        // This server has no SMTP server: the email would go to the local outbox, and it says so.
        wouldEmail: 'team@example.com',
        note: 'no SMTP server configured: the email goes to the local outbox',
      },
    });
    expect(await parley.store.leads.listLeads({})).toEqual([]);
    // The outbox the admin shows: this server keeps emails locally, and a dry run keeps none.
    await parley.store.outbox.add({ to: 'team@example.com', subject: 'Hello', body: 'Body' });
    const outbox = outboxListSchema.parse(await (await call('/api/admin/outbox')).json());
    expect(outbox.delivery).toBe('outbox');
    expect(outbox.messages.map((email) => [email.to, email.subject, email.body])).toEqual([
      ['team@example.com', 'Hello', 'Body'],
    ]);

    const past = toolTestResultSchema.parse(
      await (
        await call('/api/admin/tools/schedule_call/test', {
          body: {
            arguments: {
              name: 'Ada',
              contact: 'ada@example.com',
              startsAt: '2001-01-01T10:00:00Z',
            },
          },
        })
      ).json(),
    );
    expect(past.ok).toBe(false);
    expect(past.error).toMatch(/^past_time/);
    const startsAt = new Date(Date.now() + 86_400_000).toISOString();
    const slot = toolTestResultSchema.parse(
      await (
        await call('/api/admin/tools/schedule_call/test', {
          body: { arguments: { name: 'Ada', contact: 'ada@example.com', startsAt } },
        })
      ).json(),
    );
    expect(slot).toMatchObject({ ok: true, output: { scheduled: false, dryRun: true, startsAt } });

    expect(
      (
        await call('/api/admin/tools/capture_lead/test', {
          body: { agentId: 'no-such-agent', arguments: { name: 'Ada', phone: '+1 555 0100' } },
        })
      ).status,
    ).toBe(404);
  });

  it('serves the daily latency and cost series with the analytics', async () => {
    const agent = await parley.store.agents.create(
      {
        slug: 'helper',
        name: 'Helper',
        description: '',
        config: agentConfigSchema.parse({ instructions: 'Help.' }),
        publish: false,
      },
      'owner@example.com',
    );
    const id = await parley.store.conversations.start({
      agentId: agent.id,
      agentVersion: 1,
      mode: 'relay',
      model: 'gpt-realtime',
      clientId: null,
    });
    for (const [responseId, latencyMs] of [
      ['r1', 300],
      ['r2', 500],
      ['r3', 900],
    ] as const) {
      await parley.store.conversations.recordResponse(id, {
        responseId,
        status: 'completed',
        inputTokens: 10,
        outputTokens: 10,
        inputTextTokens: 10,
        inputAudioTokens: 0,
        cachedTokens: 0,
        outputTextTokens: 10,
        outputAudioTokens: 0,
        costUsd: 0.005,
        latencyMs,
      });
    }
    // Analytics reads latency per turn (end of the user's speech to the first agent audio).
    for (const [seq, firstAudioMs] of [
      [1, 300],
      [2, 500],
      [3, 900],
    ] as const) {
      await parley.store.turns.record(id, {
        seq,
        firstAudioMs,
        toolMs: 0,
        toolCalls: 0,
        responses: 1,
      });
    }
    const response = await call(`/api/admin/analytics?agentId=${agent.id}`);
    expect(response.status).toBe(200);
    const analytics = analyticsSchema.parse(await response.json());
    expect(analytics.daily).toHaveLength(1);
    expect(analytics.daily?.[0]).toMatchObject({
      conversations: 1,
    });
    // Percentiles come from 2 %-wide histogram buckets: within 1 % of the exact values.
    const withinOnePercent = (value: number | null | undefined, exact: number) =>
      value != null && Math.abs(value - exact) <= exact * 0.01;
    expect(analytics.daily?.[0]?.latencyMsP50).toSatisfy((v: number) => withinOnePercent(v, 500));
    expect(analytics.daily?.[0]?.latencyMsP95).toSatisfy((v: number) => withinOnePercent(v, 900));
    expect(analytics.daily?.[0]?.day).toBe(analytics.to);
    expect(analytics.daily?.[0]?.costUsd).toBeCloseTo(0.015);
  });
});
