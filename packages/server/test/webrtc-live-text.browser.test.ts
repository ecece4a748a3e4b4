// Typed text and client delegation on GPT-Live calls over WebRTC, in real Chromium with core's
// session: the call's data channel may only mute and unmute, so `sendText()` goes to the server
// (`POST /api/calls/{callId}/text`), which sends it upstream as the Live relay does; the answer is
// shown, and a refusal is the snapshot's error while the call goes on. Under client delegation the
// server's sideband is the backend: a spoken request and a typed one are both answered.
import type * as playwright from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishTestAgent } from './relay-helpers.js';
import {
  openVoicePage,
  snapshot,
  startChromiumStack,
  steerLiveSession,
  toneMicrophone,
} from './webrtc-chromium.js';
import type { ChromiumStack, Posted, VoiceWindow } from './webrtc-chromium.js';

const apiKey = 'test-key-webrtc-live-text-chromium';
const acknowledgement = 'Let me check that.';
let stack: ChromiumStack;

beforeAll(async () => {
  const live = { api: 'live', model: 'gpt-live-1', transcriptionModel: null } as const;
  stack = await startChromiumStack({
    apiKey,
    seed: async (store) => {
      await publishTestAgent(store, 'live-responses', {
        ...live,
        instructions: 'Help with flats.',
        greeting: 'Welcome to the live flat finder.',
      });
      await publishTestAgent(store, 'live-client', {
        ...live,
        instructions: 'Help with flats.',
        live: { delegation: 'client' },
      });
    },
    limits: { sessionRequestsPerMinute: 1000 },
  });
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

/** The page's transcript: role and trimmed text of each message. */
const shownOn = async (page: playwright.Page) =>
  (await snapshot(page)).items.map((item) => [item.role, String(item.text).trim()]);

/** The page's session error, as its code and message (null when there is none). */
const errorOn = (page: playwright.Page) =>
  page.evaluate(() => {
    const { voice } = window as unknown as {
      voice: { session: { getSnapshot(): { error: { code?: string; message: string } | null } } };
    };
    const error = voice.session.getSnapshot().error;
    return error === null ? null : { code: error.code ?? null, message: error.message };
  });

/** What the agent said after the page's last item with `text`. */
async function answerAfter(page: playwright.Page, text: string): Promise<string> {
  const shown = await shownOn(page);
  const index = shown.map(([, said]) => said).lastIndexOf(text);
  return shown
    .slice(index + 1)
    .filter(([role]) => role === 'assistant')
    .map(([, said]) => said)
    .join(' ')
    .replace(acknowledgement, '')
    .trim();
}

/** Everything the agent said on the page, its acknowledgements ("Let me check that.") left out. */
const answersOn = async (page: playwright.Page) =>
  (await shownOn(page))
    .filter(([role]) => role === 'assistant')
    .map(([, said]) => said)
    .join(' ')
    .replace(/\s+/g, ' ')
    .replaceAll(acknowledgement, '')
    .trim();

/** Opens a page and connects it to `agentId` over WebRTC, speaking GPT-Live. */
async function call(agentId: string) {
  const opened = await openVoicePage(stack, toneMicrophone);
  expect(
    await opened.page.evaluate(
      (agent) => (window as unknown as VoiceWindow).startVoice(agent, 'webrtc', undefined, 'live'),
      agentId,
    ),
  ).toBe('connected');
  return opened;
}

/** Types `text` through core's session and waits for the agent's answer to it. */
async function typeAndHear(page: playwright.Page, text: string): Promise<string> {
  await page.evaluate(
    (typed) => (window as unknown as VoiceWindow).voice.session.sendText(typed),
    text,
  );
  await expect.poll(() => answerAfter(page, text), { timeout: 20_000 }).not.toBe('');
  return answerAfter(page, text);
}

const textPosts = (posted: Posted[]) =>
  posted.filter((request) => /^\/api\/calls\/[^/]+\/text$/.test(request.path));

describe('typed text on a GPT-Live WebRTC call in Chromium', () => {
  it("goes to the server, not the channel: the answer is shown and the user's item stored", async () => {
    const { page, posted, answered } = await call('live-responses');
    await expect
      .poll(() => shownOn(page), { timeout: 30_000 })
      .toEqual([['assistant', 'Welcome to the live flat finder.']]);
    const text = 'Do you have a flat with a balcony?';
    const answer = await typeAndHear(page, text);
    const { callId, resumeToken, conversationId } = answered[0]!.body;
    expect(textPosts(posted)).toEqual([
      { path: `/api/calls/${String(callId)}/text`, body: { token: resumeToken, text } },
    ]);
    // Nothing the channel refused: the page shows no error.
    expect(await errorOn(page)).toBeNull();
    const detail = await stack.store.conversations.detail(String(conversationId));
    expect(detail.items.map((item) => [item.role, item.text?.trim()])).toEqual(
      expect.arrayContaining([
        ['user', text],
        ['assistant', expect.stringContaining(answer.slice(0, 12))],
      ]),
    );
    await page.close();
  }, 90_000);

  it('shows a refusal as an error and keeps the call', async () => {
    const { page } = await call('live-responses');
    // Past the per-call limit (5 in 10 s): the sixth is refused with 429 rate_limited.
    await page.evaluate(() => {
      const { session } = (window as unknown as VoiceWindow).voice;
      for (let index = 1; index <= 6; index++) session.sendText(`Question ${index}`);
    });
    await expect
      .poll(async () => (await errorOn(page))?.code, { timeout: 10_000 })
      .toBe('rate_limited');
    expect((await errorOn(page))?.message).toMatch(/^Typed text not sent: too many typed messages/);
    expect((await snapshot(page)).status).toBe('connected');
    expect((await shownOn(page)).filter(([role]) => role === 'user')).toHaveLength(6);
    await page.close();
  }, 60_000);
});

describe('client delegation on a GPT-Live WebRTC call in Chromium', () => {
  it("the server's sideband answers a spoken request and a typed one", async () => {
    const { page } = await call('live-client');
    const [sessionId] = stack.emulator.liveSessionIds().slice(-1);
    const steering = await steerLiveSession(stack, apiKey, sessionId!);
    steering.send({ type: 'emulator.transcript', text: 'What are your opening hours?' });
    await page.evaluate((ms) => (window as unknown as VoiceWindow).speak(ms), 600);
    steering.close();
    // The voice acknowledges and raises the delegation; the server's answer is then spoken (words
    // beyond the acknowledgement, which may still be arriving).
    const answered = (said: string) => said !== '' && !acknowledgement.startsWith(said);
    await expect.poll(async () => answered(await answersOn(page)), { timeout: 30_000 }).toBe(true);
    const spoken = await answersOn(page);
    await page.evaluate(
      (typed) => (window as unknown as VoiceWindow).voice.session.sendText(typed),
      'And do you have parking?',
    );
    await expect
      .poll(async () => (await answersOn(page)).length, { timeout: 30_000 })
      .toBeGreaterThan(spoken.length + 10);
    expect(await errorOn(page)).toBeNull();
    await page.close();
  }, 90_000);
});
