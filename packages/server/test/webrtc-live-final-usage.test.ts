// The end of a GPT-Live WebRTC call on the server's side (the browser's `POST /api/calls/{id}/hangup`
// here; the time limit, shutdown and takeovers end it the same way): the server's sideband asks the
// session to close (`session.close`) and stores the usage seconds of its `session.closed` before the
// call ends. GPT-Live bills per second but reports usage only every so often, so closing the socket
// first lost every second since the last `session.usage.updated`. An upstream that never answers
// costs the end at most `sessionCloseWaitMs`, after which the call is hung up as before.
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { liveCost } from '@parley/core';
import { memorySharedState } from '../src/coordination/shared-state.js';
import { testBackends } from '../src/test-utils/databases.js';
import { createOutboxMailer } from '../src/tools/mailer.js';
import { liveCallConfig } from '../src/webrtc/live-call-config.js';
import { LiveSidebandSession } from '../src/webrtc/live-sideband-session.js';
import { sessionCloseWaitMs } from '../src/webrtc/sideband-lifecycle.js';
import { fakeSidebandUpstream, sidebandCallParts } from './fake-sideband-upstream.js';
import { publishTestAgent, startRelayStack } from './relay-helpers.js';
import type { Received, RelayStack } from './relay-helpers.js';
import { callAgent, hangUpCall } from './webrtc-browser.js';

const apiKey = 'fake-key-live-final-usage-test';
const model = 'gpt-live-1';
/** The emulator's usage cadence here: a hang-up ~0.8 s after an update leaves ~1.2 s of slack. */
const usageIntervalMs = 2000;

const cleanups: Array<() => Promise<unknown> | unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A test sideband on the emulator's session: its events, and the input reflected to it (ms). */
async function watch(stack: RelayStack) {
  const [sessionId] = stack.emulator.liveSessionIds();
  const socket = new WebSocket(`${stack.emulator.liveUrl}/${sessionId}/attach`, {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  const events: Received[] = [];
  let inputMs = 0;
  socket.on('message', (data) => {
    const event = JSON.parse(data.toString()) as Received;
    // Reflected input is PCM16 24 kHz mono: 48 bytes a millisecond.
    if (event.type === 'session.input_audio.append')
      inputMs += Buffer.from(event.audio as string, 'base64').length / 48;
    else events.push(event);
  });
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  cleanups.push(() => socket.close());
  return { events, inputMs: () => inputMs };
}

describe.each(testBackends())(
  'a GPT-Live WebRTC call hung up by the browser ($name)',
  (backend) => {
    it("stores the usage seconds and cost of the session's session.closed, past its last usage update", async () => {
      cleanups.push(() => backend.cleanup());
      const stack = await startRelayStack({
        apiKey,
        database: await backend.open(),
        liveUsageIntervalMs: usageIntervalMs,
        seed: (store) => publishTestAgent(store, 'live', { api: 'live', model, instructions: 'x' }),
        server: { limits: { sessionRequestsPerMinute: 1000 } },
      });
      cleanups.push(() => stack.close());
      const browser = await callAgent(stack.url, 'live');
      cleanups.push(() => browser.close());
      // GPT-Live's clock runs on the input media.
      cleanups.push(browser.streamSilence());
      const side = await watch(stack);

      // The first periodic update, then ~0.8 s of the call that no update reports.
      await expect
        .poll(() => side.events.some((event) => event.type === 'session.usage.updated'), {
          timeout: 20_000,
        })
        .toBe(true);
      const after = side.inputMs();
      await expect.poll(() => side.inputMs() - after, { timeout: 10_000 }).toBeGreaterThan(800);

      const ended = await hangUpCall(stack.url, browser);
      expect(ended.status).toBe(200);
      // The route answers once the call's writes are stored: no polling below.
      const stored = await stack.store.conversations.get(browser.conversationId);
      await expect
        .poll(() => side.events.some((event) => event.type === 'session.closed'))
        .toBe(true);
      const closed = side.events.find((event) => event.type === 'session.closed')!;
      const updates = side.events.filter((event) => event.type === 'session.usage.updated');
      const lastUpdate = updates.at(-1)!.usage.seconds as number;
      const final = closed.usage.seconds as number;
      expect(closed.reason).toBe('close_requested');
      // The case this is about: the call ran on past its last periodic figure.
      expect(final).toBeGreaterThan(lastUpdate);
      // Stored as the sum of the increases of the cumulative figure: equal to the final one up to
      // floating-point rounding (1e-6 s), and priced at the same per-second rate.
      expect(stored).toMatchObject({ endReason: 'client_closed', mode: 'webrtc' });
      expect(stored!.usageSeconds).toBeCloseTo(final, 6);
      expect(stored!.costUsd).toBeCloseTo(liveCost(final, model)!, 9);
      // Closed over the sideband: nothing is left upstream to hang up.
      expect(stack.emulator.liveSessionIds()).toEqual([]);
    });
  },
);

describe('a GPT-Live WebRTC call whose upstream never answers session.close', () => {
  it('ends after the wait bound, hangs the call up, and stores its end', async () => {
    // A silent upstream: it accepts the sideband, notes what it is sent, and answers nothing.
    const { upstream, received } = await fakeSidebandUpstream(apiKey, cleanups);
    const parts = await sidebandCallParts(
      upstream,
      { api: 'live', model, instructions: 'x' },
      cleanups,
    );
    const { agent, store, hangups, conversationId } = parts;
    const call = new LiveSidebandSession({
      ...parts.options,
      sessionId: 'live_silent',
      session: liveCallConfig(agent.config, [], new Date()),
      serverTools: new Map(),
      maxSessionMs: 60_000,
      mailer: createOutboxMailer(() => Promise.resolve()),
      now: () => new Date(),
      clientDelegation: { shared: memorySharedState() },
    });
    expect(await call.start()).toBe(true);

    await call.shutdown('client_closed');
    const asked = received.find(({ event }) => event.type === 'session.close');
    expect(asked).toBeDefined();
    // Hung up once, and only after waiting the bound for a session.closed that never came (the
    // timer may fire a millisecond early against Date.now()).
    expect(hangups).toHaveLength(1);
    expect(hangups[0]! - asked!.at).toBeGreaterThanOrEqual(sessionCloseWaitMs - 5);
    expect(await store.conversations.get(conversationId)).toMatchObject({
      status: 'completed',
      endReason: 'client_closed',
    });
  });
});
