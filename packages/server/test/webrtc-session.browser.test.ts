// Core's voice session in real Chromium over WebRTC through the server's POST /api/calls, against
// the emulator: the server places the call with the key, runs a server tool through the sideband
// and stores the conversation; barge-in goes through the server; an 'auto' session falls back to
// the WebSocket relay when the agent requires it or ICE cannot connect, and says why; the key never
// reaches the page, its requests and responses (SDP included), its sockets or its data channel.
import type * as playwright from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/storage/store.js';
import { publishTestAgent } from './relay-helpers.js';
import { snapshot, startChromiumStack, tapDataChannels, waitForEvent } from './webrtc-chromium.js';
import type { ChromiumStack, Snapshot, VoiceWindow } from './webrtc-chromium.js';

const apiKey = 'test-key-webrtc-chromium-MUST-NOT-LEAK-17';

let stack: ChromiumStack;
let store: Store;
let base: string;
/** Everything the browser sent or received over the network, for the key check. */
const traffic: string[] = [];

async function openPage(): Promise<playwright.Page> {
  const page = await stack.browser.newPage({ bypassCSP: true });
  page.on('request', (request) => {
    traffic.push(request.url(), JSON.stringify(request.headers()), request.postData() ?? '');
  });
  page.on('response', (response) => {
    traffic.push(JSON.stringify(response.headers()));
    response.text().then(
      (text) => traffic.push(text),
      () => undefined,
    );
  });
  page.on('websocket', (socket) => {
    traffic.push(socket.url());
    socket.on('framesent', (frame) => traffic.push(String(frame.payload)));
    socket.on('framereceived', (frame) => traffic.push(String(frame.payload)));
  });
  await page.addInitScript(tapDataChannels);
  // A page on the server's own origin (127.0.0.1 is a secure context, where getUserMedia exists).
  await page.goto(`${base}/health`);
  await page.addScriptTag({ content: stack.bundle });
  return page;
}

async function finishPage(page: playwright.Page): Promise<void> {
  traffic.push(await page.content());
  traffic.push(
    ...(await page.evaluate(
      () => (window as unknown as { channelMessages: string[] }).channelMessages,
    )),
  );
  await page.evaluate(() =>
    (
      window as unknown as { voice: { session: { disconnect(): Promise<void> } } }
    ).voice.session.disconnect(),
  );
  await page.close();
}

beforeAll(async () => {
  stack = await startChromiumStack({
    apiKey,
    seed: async (seeded) => {
      await publishTestAgent(seeded, 'tester', {
        instructions: 'SECRET PERSONA PROMPT',
        transcriptionModel: null,
        greeting:
          'Hello from the published greeting, which is long enough to be interrupted halfway through.',
        tools: ['search_knowledge_base'],
        turnDetection: { type: 'server_vad', silenceDurationMs: 300 },
      });
      await publishTestAgent(seeded, 'live-tester', {
        api: 'live',
        model: 'gpt-live-1',
        instructions: 'SECRET LIVE PERSONA PROMPT',
        transcriptionModel: null,
        greeting: 'Hello from the published Live greeting.',
        tools: ['search_knowledge_base'],
      });
      await publishTestAgent(seeded, 'relay-only', {
        instructions: 'Relay only',
        greeting: 'Hello over the relay.',
        requireRelay: true,
      });
    },
    limits: { maxSessionsPerClient: 50, sessionRequestsPerMinute: 1000 },
  });
  ({ store, base } = stack);
}, 60_000);

afterAll(() => stack?.close());

describe("core's session over WebRTC in Chromium, through the server", () => {
  it('talks over WebRTC: greeting heard on the remote track, a server tool run and stored, barge-in through the server', async () => {
    const page = await openPage();
    expect(
      await page.evaluate(() => (window as unknown as VoiceWindow).startVoice('tester', 'webrtc')),
    ).toBe('connected');
    expect((await snapshot(page)).transport).toBe('webrtc');
    expect((await snapshot(page)).transportFallbackReason).toBeNull();

    // The greeting: its audio plays from the remote track (output levels), then it stops.
    await waitForEvent(page, 'output_audio_buffer.started');
    const greetingStopped = await waitForEvent(page, 'output_audio_buffer.stopped');
    const greeting = (await snapshot(page)).items.find((item) => item.role === 'assistant');
    expect(greeting?.text).toMatch(/^Hello from the published greeting/);
    await expect
      .poll(
        () => page.evaluate(() => (window as unknown as VoiceWindow).voice.record.audibleLevels),
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0);
    const events = await page.evaluate(() =>
      (window as unknown as VoiceWindow).voice.record.events.map((e) => e.type),
    );
    expect(events).not.toContain('response.output_audio.delta');

    // A server tool: the sideband runs it and the follow-up answer speaks its result.
    await page.evaluate(() =>
      (window as unknown as VoiceWindow).voice.session.sendText('please search knowledge base'),
    );
    const started = await waitForEvent(page, 'output_audio_buffer.started', greetingStopped + 1);
    await expect
      .poll(
        async () =>
          (await snapshot(page)).items.some(
            (item) =>
              item.type === 'function_call' &&
              item.name === 'search_knowledge_base' &&
              item.output !== null,
          ),
        { timeout: 10_000 },
      )
      .toBe(true);
    // The agent's model (gpt-realtime-2.1) said a preamble before the call, and the server plays
    // it out at the real rate: the answer becomes audible after it (its own started event).
    const answerStarted = await waitForEvent(page, 'output_audio_buffer.started', started + 1);
    // Barge-in while the answer plays: cancel, then clear; the server truncates.
    await page.waitForTimeout(400);
    await page.evaluate(() => (window as unknown as VoiceWindow).voice.session.interrupt());
    await waitForEvent(page, 'output_audio_buffer.cleared', answerStarted);
    await waitForEvent(page, 'conversation.item.truncated', answerStarted);
    const sent = await page.evaluate(() =>
      (window as unknown as { channelMessages: string[] }).channelMessages
        .map((message) => JSON.parse(message) as { type: string })
        .map((event) => event.type),
    );
    const clearAt = sent.lastIndexOf('output_audio_buffer.clear');
    expect(clearAt).toBeGreaterThan(-1);
    expect(sent).not.toContain('conversation.item.truncate');
    const spoken = (await snapshot(page)).items.filter((item) => item.role === 'assistant');
    // Only the item playing is cut: the preamble was heard whole.
    const preamble = spoken.find((item) => item.text === 'One moment, let me check that.');
    expect(preamble?.interrupted).toBe(false);
    const answer = spoken.at(-1)!;
    expect(answer.text).toMatch(/Nothing in the knowledge base matches/);
    expect(answer.interrupted).toBe(true);
    expect(typeof answer.audioEndMs).toBe('number');
    expect(String(answer.heardText).length).toBeLessThan(String(answer.text).length);

    await finishPage(page);
    // Stored by the server through the sideband: a WebRTC conversation with its tool call.
    const conversations = await store.conversations.list({ limit: 10 });
    const webrtc = conversations.find((entry) => entry.mode === 'webrtc');
    expect(webrtc).toBeDefined();
    await expect
      .poll(
        async () =>
          (await store.conversations.detail(webrtc!.id)).toolCalls.map((call) => call.name),
        { timeout: 10_000 },
      )
      .toContain('search_knowledge_base');
  }, 120_000);

  it('talks to a GPT-Live agent over WebRTC: the greeting heard on the remote track and shown, a server tool run through the sideband and stored', async () => {
    const page = await openPage();
    expect(
      await page.evaluate(() =>
        (window as unknown as VoiceWindow).startVoice('live-tester', 'webrtc', undefined, 'live'),
      ),
    ).toBe('connected');
    const view = (await snapshot(page)) as Snapshot & { capabilities?: { family?: string } };
    expect(view.transport).toBe('webrtc');
    expect(view.capabilities?.family).toBe('live');
    // The greeting: the server's sideband asked for it; its words come on the data channel, its
    // audio on the remote track.
    await expect
      .poll(
        async () =>
          (await snapshot(page)).items.some(
            (item) =>
              item.role === 'assistant' &&
              String(item.text).includes('Hello from the published Live greeting.'),
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
    await expect
      .poll(
        () => page.evaluate(() => (window as unknown as VoiceWindow).voice.record.audibleLevels),
        { timeout: 10_000 },
      )
      .toBeGreaterThan(0);
    // A request the backend answers with the server tool, typed on a test sideband of the
    // emulator's session (the browser's channel may only mute and unmute).
    const [sessionId] = stack.emulator.liveSessionIds();
    const { WebSocket } = await import('ws');
    const side = new WebSocket(`${stack.emulator.liveUrl}/${sessionId}/attach`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    await new Promise((resolve) => side.once('open', resolve));
    side.send(
      JSON.stringify({
        type: 'response.item.create',
        item: {
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: 'please search knowledge base for parking' }],
        },
      }),
    );
    side.send(JSON.stringify({ type: 'response.create' }));
    await expect
      .poll(
        async () =>
          (await snapshot(page)).items.some(
            (item) => item.type === 'function_call' && item.name === 'search_knowledge_base',
          ),
        { timeout: 30_000 },
      )
      .toBe(true);
    side.close();
    const events = await page.evaluate(() =>
      (window as unknown as VoiceWindow).voice.record.events.map((e) => e.type),
    );
    expect(events).toContain('session.started');
    expect(events.some((type) => type.includes('audio.delta'))).toBe(false);
    await finishPage(page);
    const conversations = await store.conversations.list({ limit: 10 });
    const live = conversations.find(
      (entry) => entry.mode === 'webrtc' && entry.model === 'gpt-live-1',
    );
    expect(live).toBeDefined();
    await expect
      .poll(
        async () => (await store.conversations.detail(live!.id)).toolCalls.map((call) => call.name),
        { timeout: 10_000 },
      )
      .toContain('search_knowledge_base');
  }, 120_000);

  it("'auto' falls back to the WebSocket relay when the agent requires it, and says why", async () => {
    const page = await openPage();
    expect(
      await page.evaluate(() =>
        (window as unknown as VoiceWindow).startVoice('relay-only', 'auto'),
      ),
    ).toBe('connected');
    const view = await snapshot(page);
    expect(view.transport).toBe('websocket');
    expect(view.transportFallbackReason).toBe('relay_required');
    await page.evaluate(() => (window as unknown as VoiceWindow).voice.session.sendText('hello'));
    await waitForEvent(page, 'response.done');
    await finishPage(page);
  }, 60_000);

  it("'auto' falls back to the WebSocket relay when ICE cannot connect", async () => {
    const page = await openPage();
    const result = await page.evaluate(() =>
      (window as unknown as VoiceWindow).startVoice('tester', 'auto', {
        // Relay candidates only, and no TURN server: nothing can connect.
        rtcConfiguration: { iceTransportPolicy: 'relay', iceServers: [] },
        connectTimeoutMs: 3000,
      }),
    );
    expect(result).toBe('connected');
    const view = await snapshot(page);
    expect(view.transport).toBe('websocket');
    expect(['ice_failed', 'connect_timeout']).toContain(view.transportFallbackReason);
    await finishPage(page);
  }, 60_000);

  it('never lets the key reach the browser: pages, requests, responses (SDP), sockets, data channel', () => {
    expect(traffic.length).toBeGreaterThan(10);
    expect(traffic.some((text) => text.includes('v=0'))).toBe(true);
    for (const text of traffic) expect(text).not.toContain(apiKey);
  });
});
