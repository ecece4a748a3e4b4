// The end of a Realtime WebRTC call on the server's side (the browser's `POST /api/calls/{id}/hangup`
// here; the time limit, shutdown and takeovers end it the same way) while a response is in
// progress: the server's sideband cancels that response (`response.cancel`) and stores the usage of
// its `response.done` before the call is hung up. Realtime stores usage per `response.done`, which
// came after the sideband closed, so the response under way went unbilled. With no response in
// progress nothing is asked and the call is hung up at once, as before.
import { afterEach, describe, expect, it } from 'vitest';
import { realtimeSession } from '../src/session-config.js';
import type { Store } from '../src/storage/store.js';
import { testBackends } from '../src/test-utils/databases.js';
import { createOutboxMailer } from '../src/tools/mailer.js';
import type { Upstream } from '../src/upstream.js';
import { closeEventId, sessionCloseWaitMs } from '../src/webrtc/sideband-lifecycle.js';
import { SidebandSession } from '../src/webrtc/sideband-session.js';
import { fakeSidebandUpstream, sidebandCallParts } from './fake-sideband-upstream.js';
import type { FakeSidebandUpstream } from './fake-sideband-upstream.js';
import { publishTestAgent, startRelayStack } from './relay-helpers.js';
import { callAgent, hangUpCall } from './webrtc-browser.js';

const apiKey = 'fake-key-realtime-final-usage-test';
/** Long enough that, spoken in real time, the greeting is still under way when the call ends. */
const greeting =
  'Hello and welcome to Example Realty. I can tell you about our listings, book a viewing, ' +
  'and answer any question you have about buying or renting a home in the city today.';

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe.each(testBackends())(
  'a Realtime WebRTC call hung up by the browser mid-response ($name)',
  (backend) => {
    it('stores the usage and cost of the response in progress, from its cancelled response.done', async () => {
      cleanups.push(() => backend.cleanup());
      const stack = await startRelayStack({
        apiKey,
        database: await backend.open(),
        // The reply's audio plays in real time: the greeting takes seconds to say.
        speechRate: 1,
        speechEngine: 'generated',
        seed: (store) =>
          publishTestAgent(store, 'tester', {
            instructions: 'x',
            transcriptionModel: null,
            greeting,
          }),
        server: { limits: { sessionRequestsPerMinute: 1000 } },
      });
      cleanups.push(() => stack.close());
      const browser = await callAgent(stack.url, 'tester');
      cleanups.push(() => browser.close());

      // The data channel is open: the server asks for the greeting; hang up once it is playing.
      browser.send({ type: 'input_audio_buffer.clear' });
      const created = await browser.waitFor((event) => event.type === 'response.created');
      await browser.waitFor((event) => event.type === 'output_audio_buffer.started');
      expect(browser.events.some((event) => event.type === 'response.done')).toBe(false);

      const ended = await hangUpCall(stack.url, browser);
      expect(ended.status).toBe(200);
      // The route answers once the call's writes are stored: no polling.
      const detail = await stack.store.conversations.detail(browser.conversationId);
      expect(detail.conversation).toMatchObject({ endReason: 'client_closed', mode: 'webrtc' });
      const row = detail.responses.find((response) => response.responseId === created.response.id);
      expect(row).toMatchObject({ status: 'cancelled' });
      // What was generated before the cancel is billed, and counted in the conversation's total.
      expect(row!.outputAudioTokens).toBeGreaterThan(0);
      expect(row!.costUsd).toBeGreaterThan(0);
      expect(detail.conversation.costUsd).toBeCloseTo(row!.costUsd, 9);
      // Hung up upstream all the same.
      await expect.poll(() => stack.emulator.calls).toBe(0);
    });
  },
);

async function sideband(upstream: Upstream) {
  const parts = await sidebandCallParts(
    upstream,
    { instructions: 'x', transcriptionModel: null },
    cleanups,
  );
  const { agent, store, hangups, conversationId } = parts;
  const call = new SidebandSession({
    ...parts.options,
    callId: 'rtc_fake',
    session: realtimeSession(agent.config, [], { includeModel: true, now: new Date() }),
    serverTools: new Map(),
    clientToolNames: new Set(),
    limits: { maxSessionMs: 60_000, idleTimeoutMs: 60_000 },
    mailer: createOutboxMailer(() => Promise.resolve()),
    now: () => new Date(),
  });
  expect(await call.start()).toBe(true);
  return { call, store, hangups, conversationId };
}

/**
 * Upstream starts response `id`. Frames are handled in order: once an item sent after it is
 * stored, the sideband saw the response start.
 */
async function responseInProgress(
  fake: FakeSidebandUpstream,
  store: Store,
  conversationId: string,
  id: string,
): Promise<void> {
  fake.emit({ type: 'response.created', response: { id, status: 'in_progress' } });
  fake.emit({
    type: 'conversation.item.added',
    item: {
      id: `item_${id}`,
      type: 'message',
      role: 'assistant',
      status: 'in_progress',
      content: [],
    },
  });
  await expect
    .poll(async () => (await store.conversations.detail(conversationId)).items.length)
    .toBe(1);
}

const usage = {
  total_tokens: 60,
  input_tokens: 40,
  output_tokens: 20,
  input_token_details: { text_tokens: 40, audio_tokens: 0, cached_tokens: 0 },
  output_token_details: { text_tokens: 5, audio_tokens: 15 },
};

describe('a Realtime WebRTC call ending on the server side', () => {
  it('with no response in progress: asks nothing and hangs up at once', async () => {
    const fake = await fakeSidebandUpstream(apiKey, cleanups, () => undefined);
    const { call, store, hangups, conversationId } = await sideband(fake.upstream);
    // A response that came and went: nothing is in progress any more.
    fake.emit({ type: 'response.created', response: { id: 'resp_1', status: 'in_progress' } });
    fake.emit({
      type: 'response.done',
      response: { id: 'resp_1', status: 'completed', output: [], usage },
    });
    await expect
      .poll(async () => (await store.conversations.detail(conversationId)).responses.length)
      .toBe(1);

    await call.shutdown('client_closed');
    expect(hangups).toHaveLength(1);
    expect(fake.received.map(({ event }) => event.type)).not.toContain('response.cancel');
    expect(fake.received.some(({ event }) => event.event_id === closeEventId)).toBe(false);
    expect((await store.conversations.get(conversationId))?.endReason).toBe('client_closed');
  });

  it('with a response in progress: cancels it, stores its usage, then hangs up', async () => {
    const fake = await fakeSidebandUpstream(apiKey, cleanups, (type, send) => {
      if (type !== 'response.cancel') return;
      send({
        type: 'response.done',
        response: {
          id: 'resp_2',
          status: 'cancelled',
          status_details: { type: 'cancelled', reason: 'client_cancelled' },
          output: [],
          usage,
        },
      });
    });
    const { call, store, hangups, conversationId } = await sideband(fake.upstream);
    await responseInProgress(fake, store, conversationId, 'resp_2');

    await call.shutdown('client_closed');
    const cancel = fake.received.find(({ event }) => event.type === 'response.cancel');
    expect(cancel?.event).toMatchObject({ event_id: closeEventId, response_id: 'resp_2' });
    expect(hangups).toHaveLength(1);
    expect(hangups[0]).toBeGreaterThanOrEqual(cancel!.at);
    const detail = await store.conversations.detail(conversationId);
    expect(detail.responses).toEqual([
      expect.objectContaining({ responseId: 'resp_2', status: 'cancelled', outputTokens: 20 }),
    ]);
  });

  it('whose cancel is refused (the response had just finished): hangs up without the wait', async () => {
    const fake = await fakeSidebandUpstream(apiKey, cleanups, (type, send) => {
      if (type !== 'response.cancel') return;
      send({
        type: 'error',
        error: {
          type: 'invalid_request_error',
          code: 'response_cancel_not_active',
          message: 'Cancellation failed: no active response found',
          event_id: closeEventId,
        },
      });
    });
    const { call, store, hangups, conversationId } = await sideband(fake.upstream);
    await responseInProgress(fake, store, conversationId, 'resp_3');

    await call.shutdown('client_closed');
    const cancel = fake.received.find(({ event }) => event.type === 'response.cancel');
    expect(cancel).toBeDefined();
    expect(hangups).toHaveLength(1);
    // The refusal is the answer: the hang-up does not wait out the bound for a response.done.
    expect(hangups[0]! - cancel!.at).toBeLessThan(sessionCloseWaitMs / 2);
    expect((await store.conversations.detail(conversationId)).responses).toEqual([]);
  });
});
