import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@parley/emulator';
import { silentLogger } from '../src/logger.js';
import { ledgerQuerySchema } from '../src/schemas.js';
import { createParleyServer } from '../src/server.js';
import { createStore } from '../src/storage/store.js';
import type { Store } from '../src/storage/store.js';
import { testBackends } from '../src/test-utils/databases.js';
import { isAnswerDone } from './relay-helpers.js';
import { publishTestAgent, startRelayStack } from './relay-helpers.js';
import type { RelayStack } from './relay-helpers.js';
import { callAgent, postCall } from './webrtc-browser.js';
import type { WebRtcBrowser } from './webrtc-browser.js';

const apiKey = 'fake-key-webrtc-test-KEY-must-not-leak-17';
const fixtureOffer = readFileSync(
  new URL('../src/webrtc/__fixtures__/offer.sdp', import.meta.url),
  'utf8',
);

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

/** Types a message that makes the emulator call `search_knowledge_base`, and asks for a response. */
function askToSearch(browser: WebRtcBrowser): void {
  browser.send({
    type: 'conversation.item.create',
    item: {
      type: 'message',
      role: 'user',
      content: [{ type: 'input_text', text: 'please search knowledge base' }],
    },
  });
  browser.send({ type: 'response.create' });
}

async function seed(store: Store): Promise<string> {
  const tester = await publishTestAgent(store, 'tester', {
    instructions: 'SECRET PERSONA PROMPT',
    transcriptionModel: null,
    greeting: 'Hello from the published greeting.',
    tools: ['search_knowledge_base', 'capture_lead', 'end_conversation'],
    clientTools: [
      {
        name: 'show_map',
        description: 'Show a map of a city',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    ],
    turnDetection: { type: 'server_vad', silenceDurationMs: 300 },
    postCall: { summaryPrompt: 'Summarise the call in one sentence.' },
  });
  await publishTestAgent(store, 'relay-only', { instructions: 'Relay only', requireRelay: true });
  return tester.id;
}

describe.each(testBackends())('WebRTC calls through the server on $name', (backend) => {
  let emulator: Emulator;
  let store: Store;
  let base: string;
  let agentId: string;
  let stack: RelayStack | undefined;
  const browsers: WebRtcBrowser[] = [];

  async function call(
    agent = 'tester',
    extra: Record<string, unknown> = {},
  ): Promise<WebRtcBrowser> {
    const browser = await callAgent(base, agent, extra);
    browsers.push(browser);
    return browser;
  }

  async function stored(conversationId: string, status = 'completed') {
    await expect
      .poll(async () => (await store.conversations.get(conversationId))?.status, {
        timeout: 10_000,
      })
      .toBe(status);
    return store.conversations.detail(conversationId);
  }

  beforeAll(async () => {
    stack = await startRelayStack({
      apiKey,
      database: await backend.open(),
      speechEngine: 'generated',
      seed: async (seeded) => {
        agentId = await seed(seeded);
      },
      // A dropped call may be resumed for a second: post-call work waits that long.
      server: {
        limits: { maxSessionsPerClient: 50, sessionRequestsPerMinute: 1000, resumeWindowMs: 1000 },
      },
    });
    ({ emulator, store, url: base } = stack);
  });

  afterAll(async () => {
    await Promise.all(browsers.map((browser) => browser.close()));
    await stack?.close();
    await backend.cleanup();
  });

  it('places the call, greets once the data channel is open, runs a server tool through the sideband and stores the conversation', async () => {
    const browser = await call();
    // The browser's signal that its data channel is open: the server then says the greeting.
    browser.send({ type: 'input_audio_buffer.clear' });
    const greeting = await browser.waitFor((event) => event.type === 'response.done');
    expect(greeting.response.output[0].content[0].transcript).toBe(
      'Hello from the published greeting.',
    );
    await browser.waitFor((event) => event.type === 'output_audio_buffer.stopped');
    expect(browser.audioPackets()).toBeGreaterThan(5);

    askToSearch(browser);
    const toolCall = await browser.waitFor(
      (event) => event.type === 'response.output_item.done' && event.item.type === 'function_call',
    );
    expect(toolCall.item.name).toBe('search_knowledge_base');
    // The sideband ran the tool and sent its output, then the one follow-up response.
    const output = await browser.waitFor(
      (event) =>
        event.type === 'conversation.item.done' && event.item.type === 'function_call_output',
    );
    expect(output.item.call_id).toBe(toolCall.item.call_id);
    const callAt = browser.events.indexOf(toolCall);
    const followUp = await browser.waitFor(
      (event) =>
        event.type === 'response.done' &&
        browser.events.indexOf(event) > callAt &&
        isAnswerDone(event),
    );
    expect(followUp.response.output[0].content[0].transcript).toMatch(
      /Nothing in the knowledge base matches/,
    );
    await browser.close();

    const detail = await stored(browser.conversationId);
    expect(detail.conversation).toMatchObject({ agentId, mode: 'webrtc', endReason: 'call_ended' });
    expect(detail.toolCalls).toHaveLength(1);
    expect(detail.toolCalls[0]).toMatchObject({
      callId: toolCall.item.call_id,
      name: 'search_knowledge_base',
      outcome: 'ok',
    });
    const texts = detail.items.map((item) => item.text);
    expect(texts).toContain('please search knowledge base');
    expect(texts.some((text) => text?.includes('Nothing in the knowledge base matches'))).toBe(
      true,
    );
    // Usage of the greeting, the call and the follow-up, with a measured latency.
    expect(detail.responses.length).toBeGreaterThanOrEqual(3);
    expect(detail.responses.some((response) => response.latencyMs !== null)).toBe(true);
    // A WebRTC call gets the post-call analysis a relayed conversation gets, once it ended and
    // the resume window passed (the upstream ending the call is a drop the browser may resume).
    await expect
      .poll(
        async () =>
          (await store.postCall.analyses([browser.conversationId])).get(browser.conversationId)
            ?.status,
        { timeout: 15_000 },
      )
      .toBe('done');
  });

  it('never lets the key reach the browser: not in the answer, its headers, the SDP or the data channel', async () => {
    const response = await postCall(base, { agentId: 'tester', sdp: fixtureOffer });
    expect(response.status).toBe(201);
    const text = await response.text();
    expect(text).not.toContain(apiKey);
    for (const [name, value] of response.headers) {
      expect(name).not.toContain(apiKey);
      expect(value).not.toContain(apiKey);
    }
    const body = JSON.parse(text) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual([
      'callId',
      'conversationId',
      'expiresAt',
      'mode',
      'resumeToken',
      'resumed',
      'sdp',
    ]);
    // The call id is this server's, not the upstream's.
    expect(body.callId).not.toContain('rtc_');
    expect(body.sdp).toMatch(/^v=0/);
    expect(body.sdp).not.toContain('rtc_');

    const browser = await call();
    browser.send({ type: 'input_audio_buffer.clear' });
    await browser.waitFor((event) => event.type === 'response.done');
    expect(browser.responseText).not.toContain(apiKey);
    expect(browser.raw.join('\n')).not.toContain(apiKey);
    await browser.close();
  });

  it('puts the published instructions and tools back when the browser changes them on its data channel', async () => {
    const browser = await call();
    browser.send({
      type: 'session.update',
      session: { type: 'realtime', instructions: 'EVIL INSTRUCTIONS', tools: [] },
    });
    const evil = await browser.waitFor(
      (event) =>
        event.type === 'session.updated' && event.session.instructions === 'EVIL INSTRUCTIONS',
    );
    const evilAt = browser.events.indexOf(evil);
    const restored = await browser.waitFor(
      (event) =>
        event.type === 'session.updated' &&
        browser.events.indexOf(event) > evilAt &&
        String(event.session.instructions).startsWith('SECRET PERSONA PROMPT'),
    );
    expect(restored.session.tools.map((tool: { name: string }) => tool.name).sort()).toEqual([
      'capture_lead',
      'end_conversation',
      'search_knowledge_base',
      'show_map',
    ]);
    // The server tool still runs after the attempt.
    askToSearch(browser);
    await browser.waitFor(
      (event) =>
        event.type === 'conversation.item.done' && event.item.type === 'function_call_output',
    );
    await browser.close();
  });

  it("records the browser's own tool call, each answered turn and the call's attribution", async () => {
    const browser = await call('tester', { customerId: 'cust-17', tags: ['webrtc'] });
    browser.send({
      type: 'conversation.item.create',
      item: {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'show map of Paris' }],
      },
    });
    browser.send({ type: 'response.create' });
    const toolCall = await browser.waitFor(
      (event) => event.type === 'response.output_item.done' && event.item.type === 'function_call',
    );
    expect(toolCall.item.name).toBe('show_map');
    const callAt = browser.events.indexOf(toolCall);
    await browser.waitFor(
      (event) => event.type === 'response.done' && browser.events.indexOf(event) > callAt,
    );
    // The browser answers its own tool on the data channel, then asks for the response.
    browser.send({
      type: 'conversation.item.create',
      item: {
        type: 'function_call_output',
        call_id: toolCall.item.call_id,
        output: '{"shown":true}',
      },
    });
    browser.send({ type: 'response.create' });
    const outputAt = browser.events.length;
    const followUp = await browser.waitFor(
      (event) => event.type === 'response.done' && browser.events.indexOf(event) >= outputAt,
    );
    expect(followUp.response.output[0]?.type).toBe('message');
    await browser.waitFor(
      (event) =>
        event.type === 'output_audio_buffer.stopped' &&
        browser.events.indexOf(event) > browser.events.indexOf(followUp),
    );
    await browser.close();

    const detail = await stored(browser.conversationId);
    expect(detail.toolCalls).toEqual([
      expect.objectContaining({
        callId: toolCall.item.call_id,
        outcome: 'client',
        output: '{"shown":true}',
      }),
    ]);
    const turns = await store.turns.list(browser.conversationId);
    expect(turns.length).toBeGreaterThanOrEqual(1);
    expect(turns[0]).toMatchObject({ toolCalls: 1 });
    expect(turns[0]!.firstAudioMs).not.toBeNull();
    const ledger = await store.ledger.ledger(
      ledgerQuerySchema.parse({ groupBy: 'conversation', customerId: 'cust-17' }),
    );
    expect(ledger.rows.map((row) => [row.conversationId, row.tags])).toEqual([
      [browser.conversationId, ['webrtc']],
    ]);
  });

  it('refuses a WebRTC call to an agent that requires the relay, with a code the browser falls back on', async () => {
    const response = await postCall(base, { agentId: 'relay-only', sdp: fixtureOffer });
    expect(response.status).toBe(409);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('relay_required');
    expect(body.error.message).toMatch(/POST \/api\/sessions/);
    // The relay still serves it.
    const session = await fetch(`${base}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'relay-only' }),
    });
    expect(session.status).toBe(200);
  });

  it('answers bad requests with clear 4xx errors and places no call', async () => {
    const callsBefore = emulator.calls;
    const expectError = async (response: Response, status: number, code: string) => {
      expect(response.status).toBe(status);
      const body = (await response.json()) as { error: { code: string; message: string } };
      expect(body.error.code).toBe(code);
      expect(body.error.message.length).toBeGreaterThan(5);
    };
    await expectError(await postCall(base, 'v=0\r\nnot json'), 400, 'invalid_json');
    await expectError(await postCall(base, { agentId: 'tester' }), 400, 'invalid_request');
    await expectError(
      await postCall(base, { agentId: 'tester', sdp: '{"not":"sdp"}' }),
      400,
      'invalid_offer',
    );
    await expectError(
      await postCall(base, {
        agentId: 'tester',
        sdp: 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n',
      }),
      400,
      'invalid_offer',
    );
    const padded = `${fixtureOffer}${'a=x-padding:0123456789\r\n'.repeat(4000)}`;
    await expectError(
      await postCall(base, { agentId: 'tester', sdp: padded }),
      413,
      'offer_too_large',
    );
    await expectError(
      await postCall(base, { agentId: 'nobody', sdp: fixtureOffer }),
      404,
      'not_found',
    );
    await expectError(
      await postCall(
        base,
        { agentId: 'tester', sdp: fixtureOffer },
        { origin: 'https://elsewhere.example' },
      ),
      403,
      'origin_not_allowed',
    );
    expect(emulator.calls).toBe(callsBefore);
  });
});

/** An emulator (with `faults`), a fresh store and a server with `limits`, for one test. */
async function startStack(
  limits: NonNullable<Parameters<typeof createParleyServer>[0]>['limits'],
  faults?: { closeAfterEvents: number },
) {
  const emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    speechRate: Infinity,
    speechEngine: 'generated',
    requireKey: apiKey,
    ...(faults ? { faults } : {}),
  });
  const [backend] = testBackends();
  const store = createStore(await backend!.open());
  await seed(store);
  const parley = await createParleyServer({
    store,
    seedTemplates: false,
    upstream: { kind: 'openai', apiKey, baseUrl: `${emulator.httpUrl}/v1` },
    logger: silentLogger,
    admin: { password: 'admin-password-123' },
    limits,
  });
  const { url } = await parley.listen({ port: 0, host: '127.0.0.1' });
  return {
    emulator,
    store,
    url,
    async close() {
      await parley.close();
      await emulator.close();
      await store.close();
      await backend!.cleanup();
    },
  };
}

describe('WebRTC call limits and ends', () => {
  it('holds the per-client cap and ends a call at the session limit, hanging it up', async () => {
    const { emulator, store, url, close } = await startStack({
      maxSessionsPerClient: 1,
      maxSessionMs: 1500,
    });
    try {
      const first = await postCall(url, { agentId: 'tester', sdp: fixtureOffer });
      expect(first.status).toBe(201);
      const { conversationId } = (await first.json()) as { conversationId: string };
      const second = await postCall(url, { agentId: 'tester', sdp: fixtureOffer });
      expect(second.status).toBe(429);
      expect(((await second.json()) as { error: { code: string } }).error.code).toBe(
        'too_many_sessions',
      );
      await expect
        .poll(async () => (await store.conversations.get(conversationId))?.endReason, {
          timeout: 8000,
        })
        .toBe('session_time_limit');
      // Hung up upstream, and the slot is free again.
      await expect.poll(() => emulator.calls, { timeout: 5000 }).toBe(0);
      const third = await postCall(url, { agentId: 'tester', sdp: fixtureOffer });
      expect(third.status).toBe(201);
    } finally {
      await close();
    }
  });

  it('ends a call at the idle timeout when nothing happens on it', async () => {
    const { emulator, store, url, close } = await startStack({ idleTimeoutMs: 800 });
    try {
      const placed = await postCall(url, { agentId: 'tester', sdp: fixtureOffer });
      const { conversationId } = (await placed.json()) as { conversationId: string };
      await expect
        .poll(async () => (await store.conversations.get(conversationId))?.endReason, {
          timeout: 8000,
        })
        .toBe('idle_timeout');
      await expect.poll(() => emulator.calls, { timeout: 5000 }).toBe(0);
    } finally {
      await close();
    }
  });

  it('keeps every item stored before the upstream ended the call mid-answer', async () => {
    // The emulator drops the call after its 8th event: inside the reply to the typed message.
    const { store, url, close } = await startStack({}, { closeAfterEvents: 8 });
    try {
      const browser = await callAgent(url, 'tester');
      browser.send({
        type: 'conversation.item.create',
        item: {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: 'tell me about your opening hours' }],
        },
      });
      browser.send({ type: 'response.create' });
      await expect
        .poll(async () => (await store.conversations.get(browser.conversationId))?.status, {
          timeout: 8000,
        })
        .toBe('completed');
      const detail = await store.conversations.detail(browser.conversationId);
      expect(detail.conversation.endReason).toBe('call_ended');
      expect(browser.events.some((event) => event.type === 'response.done')).toBe(false);
      expect(detail.items.map((item) => [item.role, item.text])).toContainEqual([
        'user',
        'tell me about your opening hours',
      ]);
      // The reply had begun: its item is kept, unfinished.
      expect(detail.items.some((item) => item.role === 'assistant')).toBe(true);
      await browser.close();
    } finally {
      await close();
    }
  });
});
