// A WebRTC conversation in real Chromium that drops mid-conversation and goes on (issue 17): the
// upstream ends the call under the page (as when the page's network goes), core's session
// reconnects over WebRTC with a fresh peer connection and offer carrying `resume`, the server
// answers `resumed: true` with the same conversation and replays it to the model through the new
// call's sideband; the transcript on the page shows every item once although the replay's echoes
// reach it on the data channel, and the conversation is stored once.
import { beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../src/storage/store.js';
import { notUnderstood } from './relay-helpers.js';
import {
  endAndStored,
  endUpstreamCall,
  say,
  snapshot,
  tapDataChannels,
  useFlatFinder,
  waitForEvent,
} from './webrtc-chromium.js';
import type { ChromiumStack, VoiceWindow } from './webrtc-chromium.js';

const apiKey = 'test-key-webrtc-resume-chromium-17';

// One call per client: the resume only gets through if the old call's slot is given back.
const flatFinder = useFlatFinder(apiKey, {
  maxSessionsPerClient: 1,
  sessionRequestsPerMinute: 1000,
  resumeWindowMs: 60_000,
});
let stack: ChromiumStack;
let store: Store;
let base: string;
let upstreamCalls: string[];

beforeAll(() => {
  ({ stack, upstreamCalls } = flatFinder);
  ({ store, base } = stack);
});

describe('a dropped WebRTC call in Chromium', () => {
  it('reconnects with a fresh offer into the same conversation, replayed to the model, shown once', async () => {
    const page = await stack.browser.newPage({ bypassCSP: true });
    const offers: Array<Record<string, unknown>> = [];
    const answers: Array<Record<string, unknown>> = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url() === `${base}/api/calls`)
        offers.push(JSON.parse(request.postData() ?? '{}') as Record<string, unknown>);
    });
    page.on('response', (response) => {
      if (response.request().method() === 'POST' && response.url() === `${base}/api/calls`)
        void response.json().then((body: Record<string, unknown>) => answers.push(body));
    });
    await page.addInitScript(tapDataChannels);
    await page.goto(`${base}/health`);
    await page.addScriptTag({ content: stack.bundle });
    expect(
      await page.evaluate(() =>
        (window as unknown as VoiceWindow).startVoice('concierge', 'webrtc'),
      ),
    ).toBe('connected');
    await waitForEvent(page, 'response.done');
    const opening = 'My name is Ada and I am looking for a two-bedroom flat near the river.';
    const before = await say(page, opening);
    const shown = (await snapshot(page)).items.map((item) => [item.role, item.text]);
    expect(shown).toEqual([
      ['assistant', 'Welcome to the flat finder.'],
      ['user', opening],
      ['assistant', notUnderstood(opening)],
    ]);
    const first = answers[0]!;
    expect(first).toMatchObject({ mode: 'webrtc', resumed: false });

    // The upstream ends the call under the page: its peer connection and data channel close.
    expect(upstreamCalls).toHaveLength(1);
    await endUpstreamCall(stack, apiKey, upstreamCalls[0]!);

    // The session reconnects over WebRTC with a fresh offer that asks to go on.
    await expect
      .poll(async () => (await snapshot(page)).diagnostics?.reconnects, { timeout: 20_000 })
      .toBe(1);
    await expect
      .poll(async () => (await snapshot(page)).status, { timeout: 20_000 })
      .toBe('connected');
    expect((await snapshot(page)).transport).toBe('webrtc');
    expect(offers).toHaveLength(2);
    expect(offers[0]!.resume).toBeUndefined();
    expect(offers[1]!.resume).toEqual({
      conversationId: first.conversationId,
      token: first.resumeToken,
    });
    expect(offers[1]!.sdp).not.toBe(offers[0]!.sdp);
    await expect.poll(() => answers.length).toBe(2);
    expect(answers[1]).toMatchObject({ resumed: true, conversationId: first.conversationId });
    expect(upstreamCalls).toHaveLength(2);

    // The model was given the conversation: the new call's upstream echoed the replayed items
    // on the data channel, and its answer is read with more context than before the drop.
    const after = await say(page, 'And is there parking?');
    expect(after).toBeGreaterThan(before);
    const echoes = await page.evaluate(
      () =>
        (window as unknown as VoiceWindow).channelMessages
          .map((message) => JSON.parse(message) as { type: string; item?: { id?: string } })
          .filter(
            (event) =>
              event.type === 'conversation.item.added' &&
              String(event.item?.id).startsWith('parley_resume_'),
          ).length,
    );
    expect(echoes).toBe(3);
    // …and the page shows each item once, the conversation going on after it.
    expect((await snapshot(page)).items.map((item) => [item.role, item.text])).toEqual([
      ...shown,
      ['user', 'And is there parking?'],
      ['assistant', notUnderstood('And is there parking?')],
    ]);

    // Stored once: what the page shows, no item twice.
    const detail = await endAndStored(page, store, String(first.conversationId));
    expect(detail.conversation.mode).toBe('webrtc');
    expect(detail.items.map((item) => item.text)).toEqual([
      ...shown.map(([, text]) => text),
      'And is there parking?',
      notUnderstood('And is there parking?'),
    ]);
  }, 120_000);
});
