import { request as httpRequest } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentCreateSchema, csrfHeaderName } from '@parley/server/schemas';
import { createParleyServer } from '../src/server.js';
import type { ParleyServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { testBackends } from '../src/test-utils/databases.js';
import { createStore } from '../src/storage/store.js';

const apiKey = 'fake-key-test-SECRET-never-leaks-0123456789';

describe.each(testBackends())('HTTP routes on $name', (backend) => {
  let parley: ParleyServer;
  let base: string;
  let staticRoot: string;
  const bodies: string[] = [];

  async function call(
    path: string,
    init: { method?: string; body?: unknown; cookie?: string; csrf?: string; origin?: string } = {},
  ) {
    const headers: Record<string, string> = {};
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    if (init.cookie) headers.cookie = init.cookie;
    if (init.csrf) headers[csrfHeaderName] = init.csrf;
    if (init.origin) headers.origin = init.origin;
    const response = await fetch(`${base}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      ...(init.body === undefined
        ? {}
        : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    });
    const text = await response.text();
    bodies.push(text);
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      json = null;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  beforeAll(async () => {
    staticRoot = mkdtempSync(join(tmpdir(), 'parley-static-'));
    mkdirSync(join(staticRoot, 'demo/assets'), { recursive: true });
    mkdirSync(join(staticRoot, 'admin'), { recursive: true });
    writeFileSync(join(staticRoot, 'demo/index.html'), '<!doctype html><title>demo</title>');
    writeFileSync(join(staticRoot, 'demo/assets/app-abcdef12.js'), 'console.log("demo")');
    writeFileSync(join(staticRoot, 'admin/index.html'), '<!doctype html><title>admin</title>');
    writeFileSync(join(staticRoot, 'secret.txt'), apiKey);
    parley = await createParleyServer({
      store: createStore(await backend.open()),
      upstream: { kind: 'openai', apiKey, baseUrl: 'http://127.0.0.1:9/v1' },
      logger: silentLogger,
      staticDirs: { demo: join(staticRoot, 'demo'), admin: join(staticRoot, 'admin') },
      // The webhook receivers in these tests listen on loopback.
      outboundAllowlist: ['127.0.0.1'],
      limits: { sessionRequestsPerMinute: 1000 },
      allowedOrigins: ['https://shop.example'],
    });
    base = (await parley.listen({ port: 0, host: '127.0.0.1' })).url;
  });

  afterAll(async () => {
    await parley?.close();
    await parley?.store.close();
    await backend.cleanup();
    rmSync(staticRoot, { recursive: true, force: true });
  });

  it('answers health and lists the seeded, published template agents', async () => {
    expect((await call('/api/health')).json).toEqual({ ok: true, upstream: 'openai' });
    const { json } = await call('/api/agents');
    expect(json.agents.map((agent: any) => agent.slug).sort()).toEqual([
      'customer-service',
      'ecommerce-support',
      'ecommerce-support-live',
      'financial-services',
      'healthcare-front-desk',
      'real-estate',
      'real-estate-live',
    ]);
  });

  it('issues a relay ticket for a published agent, 404 for an unknown one, 400 with issues for a bad body', async () => {
    const ok = await call('/api/sessions', { body: { agentId: 'real-estate' } });
    expect(ok.status).toBe(200);
    expect(ok.json).toMatchObject({
      mode: 'relay',
      url: `${base.replace('http', 'ws')}/api/realtime`,
    });
    expect(ok.json.ticket).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(ok.json.protocol).toBe('realtime');
    // A GPT-Live agent's grant says so: the browser's session speaks Live to the relay.
    const live = await call('/api/sessions', { body: { agentId: 'real-estate-live' } });
    expect(live.json).toMatchObject({ mode: 'relay', protocol: 'live' });
    expect(Date.parse(ok.json.expiresAt)).toBeGreaterThan(Date.now());
    expect((await call('/api/sessions', { body: { agentId: 'nope' } })).status).toBe(404);
    const bad = await call('/api/sessions', { body: { agent: 1 } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.issues[0].path).toEqual(['agentId']);
    expect((await call('/api/sessions', { body: '{not json' })).json.error.code).toBe(
      'invalid_json',
    );
    // Its own connection: the server answers before reading the body, then drops the socket.
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest(`${base}/api/sessions`, {
        method: 'POST',
        agent: false,
        headers: { 'content-type': 'application/json' },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      });
      request.on('error', reject);
      request.end(JSON.stringify({ agentId: 'x'.repeat(300 * 1024) }));
    });
    expect(status).toBe(413);
  });

  it('answers CORS only for the configured origins, and never on the admin API', async () => {
    const preflight = (path: string, origin: string) =>
      fetch(`${base}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    expect(
      (await preflight('/api/sessions', 'https://shop.example')).headers.get(
        'access-control-allow-origin',
      ),
    ).toBe('https://shop.example');
    expect(
      (await preflight('/api/sessions', 'https://evil.example')).headers.get(
        'access-control-allow-origin',
      ),
    ).toBeNull();
    expect(
      (await preflight('/api/admin/login', 'https://shop.example')).headers.get(
        'access-control-allow-origin',
      ),
    ).toBeNull();
  });

  it('keeps the admin API behind sign-in', async () => {
    expect((await call('/api/admin/agents')).status).toBe(401);
    expect((await call('/api/admin/setup')).json).toEqual({ needed: true });
  });

  let cookie = '';
  let csrf = '';

  it('creates the first admin with the one-time setup token, once', async () => {
    expect(parley.setupToken).toBeTruthy();
    const wrong = await call('/api/admin/setup', {
      body: {
        token: 'x'.repeat(32),
        email: 'owner@example.com',
        password: 'correct horse battery',
      },
    });
    expect(wrong.status).toBe(401);
    const setup = await call('/api/admin/setup', {
      body: {
        token: parley.setupToken,
        email: 'owner@example.com',
        password: 'correct horse battery',
      },
    });
    expect(setup.status).toBe(200);
    const setCookie = setup.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const again = await call('/api/admin/setup', {
      body: {
        token: parley.setupToken,
        email: 'other@example.com',
        password: 'correct horse battery',
      },
    });
    expect(again.status).toBe(409);
  });

  it('signs in with the password and rejects a wrong one', async () => {
    expect(
      (await call('/api/admin/login', { body: { email: 'owner@example.com', password: 'wrong' } }))
        .status,
    ).toBe(401);
    const login = await call('/api/admin/login', {
      body: { email: 'OWNER@example.com', password: 'correct horse battery' },
    });
    expect(login.status).toBe(200);
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    csrf = login.json.csrfToken;
    const me = await call('/api/admin/me', { cookie });
    expect(me.json.user.email).toBe('owner@example.com');
  });

  it('refuses state changes without the CSRF header or from another origin', async () => {
    const body = { slug: 'x-agent', name: 'X', config: { instructions: 'hi' } };
    expect((await call('/api/admin/agents', { body, cookie })).status).toBe(403);
    expect((await call('/api/admin/agents', { body, cookie, csrf: 'wrong' })).status).toBe(403);
    expect(
      (await call('/api/admin/agents', { body, cookie, csrf, origin: 'https://evil.example' }))
        .status,
    ).toBe(403);
  });

  it('validates agent bodies with the exported schemas and answers 400 with every issue', async () => {
    const body = { slug: 'Bad Slug', name: '', config: { instructions: '' } };
    expect(agentCreateSchema.safeParse(body).success).toBe(false);
    const response = await call('/api/admin/agents', { body, cookie, csrf });
    expect(response.status).toBe(400);
    const paths = response.json.error.issues.map((issue: any) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['slug', 'name', 'config.instructions']));
  });

  it('creates, versions, publishes and rolls back an agent', async () => {
    const created = await call('/api/admin/agents', {
      body: { slug: 'concierge', name: 'Concierge', config: { instructions: 'Be kind.' } },
      cookie,
      csrf,
    });
    expect(created.status).toBe(201);
    expect(created.json.publishedVersion).toBeNull();
    expect((await call('/api/sessions', { body: { agentId: 'concierge' } })).status).toBe(404);
    const v2 = await call('/api/admin/agents/concierge/versions', {
      body: {
        config: { instructions: 'Be very kind.', voice: 'cedar' },
        note: 'kinder',
        publish: true,
      },
      cookie,
      csrf,
    });
    expect(v2.status).toBe(201);
    expect(v2.json.version).toBe(2);
    expect(
      (await call('/api/admin/agents/concierge/publish', { body: { version: 1 }, cookie, csrf }))
        .json.publishedVersion,
    ).toBe(1);
    expect(
      (await call('/api/admin/agents/concierge/rollback', { body: {}, cookie, csrf })).json
        .publishedVersion,
    ).toBe(2);
    const detail = await call('/api/admin/agents/concierge', { cookie });
    expect(detail.json.versions.map((v: any) => v.version)).toEqual([2, 1]);
    expect(detail.json.publications.map((p: any) => p.version)).toEqual([2, 1, 2]);
    const renamed = await call('/api/admin/agents/concierge', {
      method: 'PATCH',
      body: { name: 'Front desk' },
      cookie,
      csrf,
    });
    expect(renamed.json.name).toBe('Front desk');
    expect(
      (await call('/api/admin/agents/concierge', { method: 'DELETE', cookie, csrf })).status,
    ).toBe(204);
    expect((await call('/api/admin/agents/concierge', { cookie })).status).toBe(404);
  });

  it('manages webhook tools without ever returning their secret', async () => {
    const created = await call('/api/admin/tools', {
      body: {
        kind: 'webhook',
        name: 'order_status',
        description: 'Look up an order',
        url: 'http://127.0.0.1:9/orders',
        secret: 'webhook-secret-0123456789',
        parameters: {
          type: 'object',
          properties: { orderId: { type: 'string' } },
          required: ['orderId'],
        },
      },
      cookie,
      csrf,
    });
    expect(created.status).toBe(201);
    expect(created.json.hasSecret).toBe(true);
    expect(created.text).not.toContain('webhook-secret');
    const clash = await call('/api/admin/tools', {
      body: { kind: 'webhook', name: 'capture_lead', url: 'http://127.0.0.1:9/x' },
      cookie,
      csrf,
    });
    expect(clash.status).toBe(409);
    // Internal targets outside the allowlist are refused at save, naming the field only.
    for (const url of ['http://169.254.169.254/latest/meta-data/', 'http://10.0.0.7:22/']) {
      const internal = await call('/api/admin/tools', {
        body: { kind: 'webhook', name: 'probe', url },
        cookie,
        csrf,
      });
      expect(internal.status).toBe(400);
      expect(internal.json.error.issues).toEqual([
        { path: ['url'], message: 'the URL points to an address that is not allowed' },
      ]);
    }
    expect((await call('/api/admin/tools', { cookie })).json.tools).toHaveLength(1);
    // So is an agent's post-call webhook, on a new agent and on a new version, and nothing is saved.
    const postCallTo = (webhookUrl: string) => ({
      instructions: 'Help.',
      postCall: { webhookUrl },
    });
    const refusedAgent = await call('/api/admin/agents', {
      body: { slug: 'probe', name: 'Probe', config: postCallTo('http://169.254.169.254/x') },
      cookie,
      csrf,
    });
    expect(refusedAgent.status).toBe(400);
    expect(refusedAgent.json.error.issues).toEqual([
      {
        path: ['config', 'postCall', 'webhookUrl'],
        message: 'the URL points to an address that is not allowed',
      },
    ]);
    const agentsNow = (await call('/api/admin/agents', { cookie })).json.agents;
    expect(agentsNow.some((agent: any) => agent.slug === 'probe')).toBe(false);
    const refusedVersion = await call(`/api/admin/agents/${agentsNow[0].id}/versions`, {
      body: { config: postCallTo('http://10.0.0.7:22/') },
      cookie,
      csrf,
    });
    expect(refusedVersion.status).toBe(400);
    expect(
      (
        await call(`/api/admin/agents/${agentsNow[0].id}/versions`, {
          body: { config: postCallTo('https://hooks.example.com/ended') },
          cookie,
          csrf,
        })
      ).status,
    ).toBe(201);
    expect(
      (await call('/api/admin/builtin-tools', { cookie })).json.tools.map((t: any) => t.name),
    ).toContain('analyze_property_deal');
    expect(
      (await call(`/api/admin/tools/${created.json.id}`, { method: 'DELETE', cookie, csrf }))
        .status,
    ).toBe(204);
  });

  it('stores documents and searches them', async () => {
    const agents = (await call('/api/admin/agents', { cookie })).json.agents;
    const ecommerce = agents.find((a: any) => a.slug === 'ecommerce-support');
    const created = await call('/api/admin/documents', {
      body: {
        agentId: ecommerce.id,
        title: 'Gift cards',
        content: 'Gift cards never expire and can be used online.',
      },
      cookie,
      csrf,
    });
    expect(created.status).toBe(201);
    const hits = await call(
      `/api/admin/documents/search?q=${encodeURIComponent('do gift cards expire')}&agentId=${ecommerce.id}`,
      { cookie },
    );
    expect(hits.json.hits[0].title).toBe('Gift cards');
    const unknownAgent = await call('/api/admin/documents', {
      body: { agentId: 'missing', title: 't', content: 'c' },
      cookie,
      csrf,
    });
    expect(unknownAgent.status).toBe(400);
  });

  it('lists conversations, leads, calls and analytics', async () => {
    expect((await call('/api/admin/conversations?limit=5', { cookie })).json.conversations).toEqual(
      [],
    );
    expect((await call('/api/admin/conversations?limit=0', { cookie })).status).toBe(400);
    expect((await call('/api/admin/leads', { cookie })).json.leads).toEqual([]);
    expect((await call('/api/admin/scheduled-calls', { cookie })).json.calls).toEqual([]);
    const analytics = await call('/api/admin/analytics?from=2026-01-01&to=2026-01-31', { cookie });
    expect(analytics.json).toMatchObject({
      from: '2026-01-01',
      to: '2026-01-31',
      conversations: 0,
    });
    expect((await call('/api/admin/analytics?from=yesterday', { cookie })).status).toBe(400);
  });

  it('changes the password only with the current one, signing other sessions out', async () => {
    const other = await call('/api/admin/login', {
      body: { email: 'owner@example.com', password: 'correct horse battery' },
    });
    const otherCookie = (other.headers.get('set-cookie') ?? '').split(';')[0]!;
    const wrong = await call('/api/admin/password', {
      body: { currentPassword: 'nope', newPassword: 'a brand new passphrase' },
      cookie,
      csrf,
    });
    expect(wrong.status).toBe(401);
    const changed = await call('/api/admin/password', {
      body: { currentPassword: 'correct horse battery', newPassword: 'a brand new passphrase' },
      cookie,
      csrf,
    });
    expect(changed.status).toBe(200);
    expect((await call('/api/admin/me', { cookie: otherCookie })).status).toBe(401);
    cookie = (changed.headers.get('set-cookie') ?? '').split(';')[0]!;
    const me = await call('/api/admin/me', { cookie });
    expect(me.status).toBe(200);
    csrf = me.json.csrfToken;
    const login = await call('/api/admin/login', {
      body: { email: 'owner@example.com', password: 'a brand new passphrase' },
    });
    expect(login.status).toBe(200);
  });

  it('rate-limits failed sign-ins', async () => {
    let last = 0;
    for (let attempt = 0; attempt < 11; attempt += 1) {
      last = (
        await call('/api/admin/login', { body: { email: 'victim@example.com', password: 'guess' } })
      ).status;
    }
    expect(last).toBe(429);
  });

  it('signs out', async () => {
    expect((await call('/api/admin/logout', { method: 'POST', cookie, csrf })).status).toBe(200);
    expect((await call('/api/admin/me', { cookie })).status).toBe(401);
  });

  it('serves the demo at / and the admin at /admin with client-side routes, and nothing outside', async () => {
    expect((await call('/')).text).toContain('<title>demo</title>');
    expect((await call('/some/route')).text).toContain('<title>demo</title>');
    const asset = await fetch(`${base}/assets/app-abcdef12.js`);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect(asset.headers.get('content-type')).toContain('javascript');
    expect((await call('/admin/')).text).toContain('<title>admin</title>');
    expect((await call('/admin/agents/1')).text).toContain('<title>admin</title>');
    expect((await call('/missing.js')).status).toBe(404);
    expect((await call('/%E0%A4%A')).status).toBe(404);
    expect((await call('/..%2fsecret.txt')).text).not.toContain(apiKey);
    expect((await call('/api/nope')).status).toBe(404);
  });

  it('never puts the API key in any response body', () => {
    for (const body of bodies) expect(body).not.toContain(apiKey);
  });
});
