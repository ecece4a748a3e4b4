// `POST /api/admin/agents/:id/playground/calls`: the admin playground's WebRTC call to one agent
// version, published or not, with the checks of `POST /api/calls`.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentConfigSchema } from '../src/schemas.js';
import type { Store } from '../src/storage/store.js';
import { testBackends } from '../src/test-utils/databases.js';
import { publishTestAgent, startRelayStack } from './relay-helpers.js';
import type { RelayStack } from './relay-helpers.js';
import { callAgent } from './webrtc-browser.js';

const apiKey = 'fake-key-playground-calls-test-KEY-17';
const fixtureOffer = readFileSync(
  new URL('../src/webrtc/__fixtures__/offer.sdp', import.meta.url),
  'utf8',
);

/** `tester`: v1 published, v2 a draft with another greeting; v3 a draft that requires the relay. */
async function seed(store: Store): Promise<void> {
  await publishTestAgent(store, 'tester', {
    instructions: 'Published',
    transcriptionModel: null,
    greeting: 'Hello from v1.',
  });
  for (const [note, config] of [
    ['draft', { instructions: 'Draft', transcriptionModel: null, greeting: 'Hello from v2.' }],
    ['relay only', { instructions: 'Relay', transcriptionModel: null, requireRelay: true }],
  ] as const) {
    await store.agents.createVersion(
      'tester',
      { config: agentConfigSchema.parse(config), note, publish: false },
      null,
    );
  }
}

interface ErrorBody {
  error: { code: string; message: string };
}

describe.each(testBackends())('the admin playground places WebRTC calls on $name', (backend) => {
  let stack: RelayStack | undefined;
  let base: string;
  let store: Store;
  let admin: { cookie: string; csrf: string };

  beforeAll(async () => {
    stack = await startRelayStack({
      apiKey,
      database: await backend.open(),
      speechEngine: 'generated',
      seed,
      server: { limits: { maxSessionsPerClient: 2, sessionRequestsPerMinute: 1000 } },
    });
    ({ url: base, store } = stack);
    const login = await fetch(`${base}/api/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@parley.local', password: 'admin-password-123' }),
    });
    expect(login.status).toBe(200);
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    admin = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]!, csrf: csrfToken };
  });

  afterAll(async () => {
    await stack?.close();
    await backend.cleanup();
  });

  function playgroundCall(
    body: unknown,
    headers: Record<string, string> = { cookie: admin.cookie, 'x-parley-csrf': admin.csrf },
    agent = 'tester',
  ): Promise<Response> {
    return fetch(`${base}/api/admin/agents/${agent}/playground/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async function expectError(response: Response, status: number, code: string): Promise<string> {
    expect(response.status).toBe(status);
    const body = (await response.json()) as ErrorBody;
    expect(body.error.code).toBe(code);
    return body.error.message;
  }

  /** Hangs the call up with its token, as core does: its slot is free again. */
  async function hangUp(call: { callId: string; resumeToken: string }): Promise<void> {
    const response = await fetch(`${base}/api/calls/${call.callId}/hangup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: call.resumeToken }),
    });
    expect(response.status).toBe(200);
  }

  it('refuses a request without an admin session (401) or without its CSRF header (403), placing no call', async () => {
    const before = stack!.emulator.calls;
    await expectError(
      await playgroundCall({ sdp: fixtureOffer, version: 2 }, {}),
      401,
      'unauthorized',
    );
    await expectError(
      await playgroundCall({ sdp: fixtureOffer, version: 2 }, { cookie: admin.cookie }),
      403,
      'forbidden',
    );
    expect(stack!.emulator.calls).toBe(before);
  });

  it('places a call to the version asked for, unpublished too, answered like POST /api/calls', async () => {
    const response = await playgroundCall({ sdp: fixtureOffer, version: 2 });
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(text).not.toContain(apiKey);
    const call = JSON.parse(text) as Record<string, unknown> & {
      callId: string;
      conversationId: string;
      resumeToken: string;
    };
    expect(Object.keys(call).sort()).toEqual([
      'callId',
      'conversationId',
      'expiresAt',
      'mode',
      'resumeToken',
      'resumed',
      'sdp',
    ]);
    expect(call).toMatchObject({ mode: 'webrtc', resumed: false });
    expect(call.sdp).toMatch(/^v=0/);
    // Recorded as a conversation with version 2, which is not the published one.
    await expect
      .poll(async () => (await store.conversations.get(call.conversationId))?.agentVersion)
      .toBe(2);
    expect((await store.agents.published('tester'))?.version).toBe(1);
    await hangUp(call);

    const published = await playgroundCall({ sdp: fixtureOffer, version: 1 });
    expect(published.status).toBe(201);
    const first = (await published.json()) as { conversationId: string } & Parameters<
      typeof hangUp
    >[0];
    await expect
      .poll(async () => (await store.conversations.get(first.conversationId))?.agentVersion)
      .toBe(1);
    await hangUp(first);
  });

  it('refuses, with 409 relay_required, a version that takes the relay only (the default, the latest, here), and the relay still serves it', async () => {
    const before = stack!.emulator.calls;
    const message = await expectError(
      await playgroundCall({ sdp: fixtureOffer }),
      409,
      'relay_required',
    );
    expect(message).toBe(
      'this agent takes conversations through the relay only; the playground talks to this version through the relay',
    );
    expect(stack!.emulator.calls).toBe(before);
    const relay = await fetch(`${base}/api/admin/agents/tester/playground`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: admin.cookie,
        'x-parley-csrf': admin.csrf,
      },
      body: JSON.stringify({}),
    });
    expect(relay.status).toBe(200);
    expect(((await relay.json()) as { mode: string }).mode).toBe('relay');
  });

  it("connects a real peer to the chosen version: its greeting, not the published one's, on the data channel and the audio track", async () => {
    const before = stack!.emulator.calls;
    const browser = await callAgent(
      base,
      'tester',
      { version: 2 },
      {
        path: '/api/admin/agents/tester/playground/calls',
        headers: { cookie: admin.cookie, 'x-parley-csrf': admin.csrf },
      },
    );
    try {
      // The browser's sign that it can hear: the server then has the version greet.
      browser.send({ type: 'input_audio_buffer.clear' });
      const greeting = await browser.waitFor((event) => event.type === 'response.done');
      expect(greeting.response.output[0].content[0].transcript).toBe('Hello from v2.');
      await browser.waitFor((event) => event.type === 'output_audio_buffer.stopped');
      expect(browser.audioPackets()).toBeGreaterThan(5);
    } finally {
      await hangUp(JSON.parse(browser.responseText) as Parameters<typeof hangUp>[0]);
      await browser.close();
    }
    // The server hung the call up upstream too.
    await expect.poll(() => stack!.emulator.calls).toBe(before);
  });

  it('answers bad requests with clear 4xx errors and places no call', async () => {
    const before = stack!.emulator.calls;
    await expectError(await playgroundCall('v=0\r\nnot json'), 400, 'invalid_json');
    await expectError(await playgroundCall({ version: 2 }), 400, 'invalid_request');
    await expectError(
      await playgroundCall({ sdp: fixtureOffer, version: 0 }),
      400,
      'invalid_request',
    );
    await expectError(
      await playgroundCall({ sdp: 'v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n', version: 2 }),
      400,
      'invalid_offer',
    );
    const padded = `${fixtureOffer}${'a=x-padding:0123456789\r\n'.repeat(4000)}`;
    await expectError(await playgroundCall({ sdp: padded, version: 2 }), 413, 'offer_too_large');
    await expectError(await playgroundCall({ sdp: fixtureOffer, version: 9 }), 404, 'not_found');
    await expectError(
      await playgroundCall({ sdp: fixtureOffer }, undefined, 'nobody'),
      404,
      'not_found',
    );
    expect(stack!.emulator.calls).toBe(before);
  });

  it("holds the playground to the client's slots like POST /api/calls", async () => {
    const calls = [];
    for (let i = 0; i < 2; i++) {
      const response = await playgroundCall({ sdp: fixtureOffer, version: 2 });
      expect(response.status).toBe(201);
      calls.push((await response.json()) as Parameters<typeof hangUp>[0]);
    }
    await expectError(
      await playgroundCall({ sdp: fixtureOffer, version: 2 }),
      429,
      'too_many_sessions',
    );
    for (const call of calls) await hangUp(call);
    const again = await playgroundCall({ sdp: fixtureOffer, version: 2 });
    expect(again.status).toBe(201);
    await hangUp((await again.json()) as Parameters<typeof hangUp>[0]);
  });
});
