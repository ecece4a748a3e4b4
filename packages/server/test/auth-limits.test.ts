/**
 * Sign-in limits and client addresses, reproduced the way the faults were found: 500 concurrent
 * wrong passwords, an owner locked out from another address, spoofed `X-Forwarded-For`, and
 * cross-origin requests naming a forwarded host or opening the relay socket.
 */
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { csrfHeaderName } from '@parley/server/schemas';
import { createParleyServer } from '../src/server.js';
import type { ParleyServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { testBackends } from '../src/test-utils/databases.js';
import { createStore } from '../src/storage/store.js';
import { parseTrustProxy } from '../src/http/client-address.js';

const password = 'the-right-password-123';
const email = 'admin@parley.local';

describe.each(testBackends())('sign-in limits and client addresses on $name', (backend) => {
  let parley: ParleyServer;
  let base: string;

  beforeAll(async () => {
    parley = await createParleyServer({
      store: createStore(await backend.open()),
      upstream: { kind: 'openai', apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:9/v1' },
      logger: silentLogger,
      seedTemplates: true,
      admin: { email, password },
      // One proxy hop in front (the test plays the proxy, appending the client's address).
      trustProxy: 1,
      limits: { sessionRequestsPerMinute: 30 },
    });
    base = (await parley.listen({ port: 0, host: '127.0.0.1' })).url;
  });

  afterAll(async () => {
    await parley?.close();
    await parley?.store.close();
    await backend.cleanup();
  });

  const login = (from: string, secret: string, account = email) =>
    fetch(`${base}/api/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
      body: JSON.stringify({ email: account, password: secret }),
    });

  it('lets exactly the limit of 500 concurrent wrong sign-ins be checked, then the right one is refused too', async () => {
    const from = '198.51.100.10';
    const statuses = await Promise.all(
      Array.from({ length: 500 }, (_, index) =>
        login(from, `wrong-${index}`).then((r) => r.status),
      ),
    );
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(490);
    const right = await login(from, password);
    expect(right.status).toBe(429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  }, 60_000);

  it('does not lock the owner out from another address, and counts per account', async () => {
    const attacker = '198.51.100.20';
    for (let attempt = 0; attempt < 12; attempt += 1) await login(attacker, 'guess');
    expect((await login(attacker, password)).status).toBe(429);
    expect((await login('203.0.113.7', password)).status).toBe(200);
    // The attacker's address is limited for this account only.
    expect((await login(attacker, 'x', 'someone-else@example.com')).status).toBe(401);
  });

  it('limits attempts at the current password of /api/admin/password', async () => {
    const from = '203.0.113.8';
    const signedIn = await login(from, password);
    const cookie = signedIn.headers.get('set-cookie')!.split(';')[0]!;
    const { csrfToken } = (await signedIn.json()) as { csrfToken: string };
    const change = (current: string) =>
      fetch(`${base}/api/admin/password`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': from,
          cookie,
          [csrfHeaderName]: csrfToken,
        },
        body: JSON.stringify({ currentPassword: current, newPassword: 'a-new-password-456' }),
      }).then((response) => response.status);
    const statuses = await Promise.all(Array.from({ length: 15 }, () => change('wrong')));
    expect(statuses.filter((status) => status === 401)).toHaveLength(10);
    expect(statuses.filter((status) => status === 429)).toHaveLength(5);
    expect(await change(password)).toBe(429);
  });

  it('reads the client address from the right of X-Forwarded-For, so spoofed entries do not multiply the limit', async () => {
    const statuses: number[] = [];
    for (let index = 0; index < 40; index += 1) {
      const response = await fetch(`${base}/api/sessions`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          // The client's own (spoofed) entry first, then what the trusted proxy appended.
          'x-forwarded-for': `10.0.${index}.1, 192.0.2.44`,
        },
        body: JSON.stringify({ agentId: 'customer-service' }),
      });
      statuses.push(response.status);
    }
    expect(statuses.filter((status) => status === 200)).toHaveLength(30);
    expect(statuses.filter((status) => status === 429)).toHaveLength(10);
  });

  it('refuses a relay WebSocket upgrade from another origin', async () => {
    const wsUrl = `${base.replace('http', 'ws')}/api/realtime`;
    const status = await new Promise<number>((resolve) => {
      const socket = new WebSocket(wsUrl, ['realtime', 'parley-ticket.none'], {
        origin: 'https://evil.example',
      });
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => {
        socket.close();
        resolve(101);
      });
      socket.on('error', () => undefined);
    });
    expect(status).toBe(403);
    const sameOrigin = await new Promise<number>((resolve) => {
      const socket = new WebSocket(wsUrl, ['realtime', 'parley-ticket.none'], { origin: base });
      socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.on('open', () => resolve(101));
      socket.on('close', () => undefined);
      socket.on('error', () => undefined);
    });
    expect(sameOrigin).toBe(101);
  });
});

describe('without trust-proxy', () => {
  it('ignores X-Forwarded-Host in the Origin check and X-Forwarded-For for addresses', async () => {
    const backend = testBackends()[0]!;
    const parley = await createParleyServer({
      store: createStore(await backend.open()),
      upstream: { kind: 'openai', apiKey: 'sk-test', baseUrl: 'http://127.0.0.1:9/v1' },
      logger: silentLogger,
      seedTemplates: false,
      admin: { email, password },
      trustProxy: false,
    });
    const { url } = await parley.listen({ port: 0, host: '127.0.0.1' });
    try {
      const response = await fetch(`${url}/api/admin/login`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          origin: 'https://evil.example',
          'x-forwarded-host': 'evil.example',
        },
        body: JSON.stringify({ email, password }),
      });
      expect(response.status).toBe(403);
      // Spoofed addresses do not dodge the sign-in limit: all count as 127.0.0.1.
      const statuses = await Promise.all(
        Array.from({ length: 12 }, (_, index) =>
          fetch(`${url}/api/admin/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.9.${index}.1` },
            body: JSON.stringify({ email, password: 'wrong' }),
          }).then((r) => r.status),
        ),
      );
      expect(statuses.filter((status) => status === 429)).toHaveLength(2);
    } finally {
      await parley.close();
      await parley.store.close();
      await backend.cleanup();
    }
  });

  it('parses PARLEY_TRUST_PROXY as off, hops or trusted addresses', () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy('0')).toBe(false);
    expect(parseTrustProxy('true')).toBe(1);
    expect(parseTrustProxy('2')).toBe(2);
    expect(parseTrustProxy('10.0.0.0/8, loopback')).toEqual(['10.0.0.0/8', 'loopback']);
  });
});
