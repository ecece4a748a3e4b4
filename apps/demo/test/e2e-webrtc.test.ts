// @vitest-environment node
// The demo's default transport, in real Chromium against the emulator: without `?transport=` a
// conversation goes over WebRTC (the server places the call, the reply plays from the remote
// track) and the page says so, and a dropped call goes on with the same conversation;
// `?transport=websocket` still forces the relay.
import type { Page } from 'playwright-core';
import type { VoiceSession } from '@parley/core';
import { describe, expect, it } from 'vitest';
import { startConversation, useDemoInChromium } from './chromium-stack.js';

const STEP_TIMEOUT = 30_000;
/**
 * A whole reply, its audio played out in real time over WebRTC (the greeting, a tool call's
 * preamble and its answer: some 10 s here).
 */
const REPLY_TIMEOUT = 60_000;

// A quiet microphone: the fake device's beeps would barge in on the replies the tests count.
const demo = useDemoInChromium({ speechRate: Infinity }, { quietMicrophone: true });

/** Starts a conversation with the first agent on `path`, and waits until it is connected. */
const start = (path: string): Promise<Page> => startConversation(demo, path, STEP_TIMEOUT);

const snapshot = (page: Page) =>
  page.evaluate(() => {
    const { session } = (window as unknown as { parley: { session: VoiceSession } }).parley;
    const { transport, transportFallbackReason, items } = session.getSnapshot();
    return {
      transport,
      transportFallbackReason,
      said: items.filter((item) => item.type === 'message' && item.role === 'assistant').length,
    };
  });

/**
 * True once the reply to the user's `asked` is over: the last item is a finished assistant message
 * after it (a tool call's preamble is followed by the call and then the answer), nothing is in
 * progress and the turn is back to listening. A snapshot taken before that may miss a reply still coming.
 */
const answered = (page: Page, asked: string) =>
  page.evaluate((text) => {
    const { session } = (window as unknown as { parley: { session: VoiceSession } }).parley;
    const { turn, items } = session.getSnapshot();
    const question = items.findIndex(
      (item) => item.type === 'message' && item.role === 'user' && item.text === text,
    );
    const last = items.at(-1);
    return (
      question >= 0 &&
      items.length - 1 > question &&
      last?.type === 'message' &&
      last.role === 'assistant' &&
      last.status !== 'in_progress' &&
      items.every(
        (item) =>
          !('status' in item) ||
          !['in_progress', 'streaming', 'running', 'awaiting_server'].includes(item.status),
      ) &&
      turn === 'listening'
    );
  }, asked);

describe("the demo's transport", () => {
  it('talks over WebRTC by default and shows it', async () => {
    const page = await start('/?debug');
    const note = page.getByTestId('transport');
    await expect.poll(() => note.getAttribute('data-transport')).toBe('webrtc');
    expect(await note.textContent()).toBe('Audio over WebRTC');
    const view = await snapshot(page);
    expect(view.transport).toBe('webrtc');
    expect(view.transportFallbackReason).toBeNull();
    // A typed turn goes on the data channel and is answered.
    await page.getByLabel('Message').fill('Hello, what can you do?');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(async () => (await snapshot(page)).said, { timeout: STEP_TIMEOUT })
      .toBeGreaterThan(0);
    await page.getByRole('button', { name: 'End conversation' }).click();
    await page.close();
  });

  it('goes on with the same conversation when the call drops, each message shown once', async () => {
    const page = await demo.browser.newPage({ bypassCSP: true });
    // The page's data channels, so the test can cut the call from the page's side.
    await page.addInitScript(() => {
      const channels: RTCDataChannel[] = [];
      (window as unknown as { channels: RTCDataChannel[] }).channels = channels;
      const create = RTCPeerConnection.prototype.createDataChannel;
      RTCPeerConnection.prototype.createDataChannel = function (
        this: RTCPeerConnection,
        ...args: Parameters<RTCPeerConnection['createDataChannel']>
      ) {
        const channel = create.apply(this, args);
        channels.push(channel);
        return channel;
      };
    });
    const calls: Array<{ request: Record<string, unknown>; answer: Record<string, unknown> }> = [];
    page.on('response', (response) => {
      if (response.request().method() !== 'POST' || !response.url().endsWith('/api/calls')) return;
      const request = JSON.parse(response.request().postData() ?? '{}') as Record<string, unknown>;
      void response
        .json()
        .then((answer: Record<string, unknown>) => calls.push({ request, answer }));
    });
    await page.goto(`${demo.stack.url}/?debug`);
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await page.locator('[data-status="connected"]').waitFor({ timeout: STEP_TIMEOUT });
    await page.getByLabel('Message').fill('Hello, what can you do?');
    await page.getByRole('button', { name: 'Send' }).click();
    // The whole reply first (a preamble may come before a tool call's answer): the snapshot below
    // is what the resumed call must show again, so nothing of this turn may still be on its way.
    await expect
      .poll(() => answered(page, 'Hello, what can you do?'), { timeout: REPLY_TIMEOUT })
      .toBe(true);
    const messages = () =>
      page.evaluate(() =>
        (window as unknown as { parley: { session: VoiceSession } }).parley.session
          .getSnapshot()
          .items.flatMap((item) => (item.type === 'message' ? [`${item.role}: ${item.text}`] : [])),
      );
    const before = await messages();

    // The call's event channel closes under the page: the session hangs it up and places a new
    // call with a fresh offer that asks to go on with the conversation.
    await page.evaluate(() =>
      (window as unknown as { channels: RTCDataChannel[] }).channels[0]!.close(),
    );
    const reconnected = () =>
      page.evaluate(() => {
        const view = (
          window as unknown as { parley: { session: VoiceSession } }
        ).parley.session.getSnapshot();
        return view.status === 'connected' && view.diagnostics.reconnects === 1;
      });
    await expect.poll(reconnected, { timeout: STEP_TIMEOUT }).toBe(true);
    await expect.poll(() => calls.length).toBe(2);
    const [first, second] = calls;
    expect(second!.request.resume).toEqual({
      conversationId: first!.answer.conversationId,
      token: first!.answer.resumeToken,
    });
    expect(second!.answer).toMatchObject({
      resumed: true,
      conversationId: first!.answer.conversationId,
    });
    expect((await snapshot(page)).transport).toBe('webrtc');

    await page.getByLabel('Message').fill('Are you still there?');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(() => answered(page, 'Are you still there?'), { timeout: REPLY_TIMEOUT })
      .toBe(true);
    const after = await messages();
    expect(after.slice(0, before.length)).toEqual(before);
    // Then this turn only: the question and its reply (a tool call's preamble, then the answer).
    const [question, ...replies] = after.slice(before.length);
    expect(question).toBe('user: Are you still there?');
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) expect(reply).toMatch(/^assistant: ./);
    expect((await snapshot(page)).said).toBe(
      before.filter((text) => text.startsWith('assistant:')).length + replies.length,
    );
    // Every item once: none twice, none of the replay's echoes (`parley_resume_` ids).
    const ids = await page.evaluate(() =>
      (window as unknown as { parley: { session: VoiceSession } }).parley.session
        .getSnapshot()
        .items.map((item) => item.id),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => id.startsWith('parley_resume_'))).toEqual([]);
    await page.getByRole('button', { name: 'End conversation' }).click();
    await page.close();
  }, 180_000);

  it('keeps ?transport=websocket to force the relay', async () => {
    const page = await start('/?debug&transport=websocket');
    const note = page.getByTestId('transport');
    await expect.poll(() => note.getAttribute('data-transport')).toBe('websocket');
    expect(await note.textContent()).toBe('Audio over WebSocket');
    await page.getByRole('button', { name: 'End conversation' }).click();
    await page.close();
  });
});
