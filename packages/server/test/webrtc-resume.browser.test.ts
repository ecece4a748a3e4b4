// A WebRTC conversation in real Chromium that drops mid-conversation and goes on (issue 17): the
// upstream ends the call under the page (as when the page's network goes), core's session
// reconnects over WebRTC with a fresh peer connection and offer carrying `resume`, the server
// answers `resumed: true` with the same conversation and gives the model the conversation so far:
// a Realtime call's sideband replays it as items (whose echoes reach the page on the data channel),
// a GPT-Live call is created with it as the session's startup `input` (and greets no second time).
// Either way the page shows every item once, the next turn is answered, and the conversation is
// stored once.
import type * as playwright from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { notUnderstood } from './relay-helpers.js';
import {
  endAndStored,
  endUpstreamCall,
  openVoicePage,
  say,
  snapshot,
  steerLiveSession,
  toneMicrophone,
  useFlatFinder,
  waitForEvent,
} from './webrtc-chromium.js';
import type { Posted, VoiceWindow } from './webrtc-chromium.js';

const apiKey = 'test-key-webrtc-resume-chromium-17';

// One call per client: the resume only gets through if the old call's slot is given back.
const flatFinder = useFlatFinder(apiKey);

/** The offers the page posted (not its hang-ups of dropped calls, `/api/calls/{id}/hangup`). */
const offersIn = (posted: Posted[]) =>
  posted.filter((request) => request.path === '/api/calls').map((request) => request.body);

/**
 * Waits for the page's session to reconnect over WebRTC once, and checks how: a second offer, of
 * a fresh peer connection, asking to go on with the first answer's conversation, and answered
 * `resumed: true` with it.
 */
async function reconnectedWithResume(
  page: playwright.Page,
  posted: Posted[],
  answered: Posted[],
): Promise<void> {
  await expect
    .poll(async () => (await snapshot(page)).diagnostics?.reconnects, { timeout: 20_000 })
    .toBe(1);
  await expect
    .poll(async () => (await snapshot(page)).status, { timeout: 20_000 })
    .toBe('connected');
  expect((await snapshot(page)).transport).toBe('webrtc');
  const first = answered[0]!.body;
  const offers = offersIn(posted);
  expect(offers.map((offer) => offer.resume)).toEqual([
    undefined,
    { conversationId: first.conversationId, token: first.resumeToken },
  ]);
  expect(offers[1]!.sdp).not.toBe(offers[0]!.sdp);
  await expect.poll(() => answered.length).toBe(2);
  expect(answered[1]!.body).toMatchObject({ resumed: true, conversationId: first.conversationId });
}

/** The page's transcript: each item's role and text. */
const shownOn = async (page: playwright.Page) =>
  (await snapshot(page)).items.map((item) => [item.role, item.text]);

describe('a dropped WebRTC call in Chromium', () => {
  it('reconnects with a fresh offer into the same conversation, replayed to the model, shown once', async () => {
    const { stack, upstreamCalls } = flatFinder;
    const { page, posted, answered } = await openVoicePage(stack);
    expect(
      await page.evaluate(() =>
        (window as unknown as VoiceWindow).startVoice('concierge', 'webrtc'),
      ),
    ).toBe('connected');
    await waitForEvent(page, 'response.done');
    const opening = 'My name is Ada and I am looking for a two-bedroom flat near the river.';
    const before = await say(page, opening);
    const shown = await shownOn(page);
    expect(shown).toEqual([
      ['assistant', 'Welcome to the flat finder.'],
      ['user', opening],
      ['assistant', notUnderstood(opening)],
    ]);
    const first = answered[0]!.body;
    expect(first).toMatchObject({ mode: 'webrtc', resumed: false });

    // The upstream ends the call under the page: its peer connection and data channel close.
    expect(upstreamCalls).toHaveLength(1);
    await endUpstreamCall(stack, apiKey, upstreamCalls[0]!);

    // The session reconnects over WebRTC with a fresh offer that asks to go on.
    await reconnectedWithResume(page, posted, answered);
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
    expect(await shownOn(page)).toEqual([
      ...shown,
      ['user', 'And is there parking?'],
      ['assistant', notUnderstood('And is there parking?')],
    ]);

    // Stored once: what the page shows, no item twice.
    const detail = await endAndStored(page, flatFinder.stack.store, String(first.conversationId));
    expect(detail.conversation.mode).toBe('webrtc');
    expect(detail.items.map((item) => item.text)).toEqual([
      ...shown.map(([, text]) => text),
      'And is there parking?',
      notUnderstood('And is there parking?'),
    ]);
  }, 120_000);
});

/** The GPT-Live session the emulator runs for the page's call (the newest). */
const liveSession = () => flatFinder.stack.emulator.liveSessionIds().at(-1)!;

/** The page's transcript with GPT-Live's leading spaces (each fragment carries its own) trimmed. */
const liveShownOn = async (page: playwright.Page) =>
  (await shownOn(page)).map(([role, text]) => [role, String(text).trim()]);

/**
 * The user says `words` (the tone microphone, heard as them through the emulator's sideband) and
 * the agent answers them: resolves once the page shows the whole answer.
 */
async function spokenTurn(page: playwright.Page, words: string): Promise<void> {
  const steering = await steerLiveSession(flatFinder.stack, apiKey, liveSession());
  steering.send({ type: 'emulator.transcript', text: words });
  const before = await liveShownOn(page);
  await page.evaluate((ms) => (window as unknown as VoiceWindow).speak(ms), 600);
  await expect
    .poll(() => liveShownOn(page), { timeout: 30_000 })
    .toEqual([...before, ['user', words], ['assistant', notUnderstood(words)]]);
  steering.close();
}

describe('a dropped GPT-Live WebRTC call in Chromium', () => {
  it('reconnects into the same conversation, started with its history: no second greeting, each item shown and stored once, the next turn answered', async () => {
    const { page, posted, answered } = await openVoicePage(flatFinder.stack, toneMicrophone);
    expect(
      await page.evaluate(() =>
        (window as unknown as VoiceWindow).startVoice(
          'live-concierge',
          'webrtc',
          undefined,
          'live',
        ),
      ),
    ).toBe('connected');
    const greeting = 'Welcome to the live flat finder.';
    await expect
      .poll(() => liveShownOn(page), { timeout: 30_000 })
      .toEqual([['assistant', greeting]]);
    const first = answered[0]!.body;
    expect(first).toMatchObject({ mode: 'webrtc', resumed: false });
    const opening = 'My name is Ada and I am looking for a flat near the river.';
    await spokenTurn(page, opening);
    const shown = await liveShownOn(page);
    const dropped = liveSession();

    // The upstream loses the call under the page: the session closes (connection_lost), the
    // channel and the peer connection with it.
    const steering = await steerLiveSession(flatFinder.stack, apiKey, dropped);
    steering.send({ type: 'emulator.fault', session_closed: 'connection_lost' });
    steering.close();

    // The session reconnects over WebRTC with a fresh offer that asks to go on.
    await reconnectedWithResume(page, posted, answered);

    // The new upstream session was created with the conversation so far as its startup input.
    expect(liveSession()).not.toBe(dropped);
    const resumed = await steerLiveSession(flatFinder.stack, apiKey, liveSession());
    await expect.poll(() => resumed.events.length).toBeGreaterThan(0);
    resumed.close();
    const started = resumed.events.find((event) => event.type === 'session.started') as
      { session: { input: Array<{ role: string; content: Array<{ text: string }> }> } } | undefined;
    expect(started?.session.input.map((item) => [item.role, item.content[0]!.text])).toEqual(shown);

    // The next turn is answered; no second greeting came before it, and the page shows each
    // earlier item once.
    await spokenTurn(page, 'Is there parking?');
    // Typed text goes to the new call (its own id and token) and is answered after it.
    await page.evaluate(() => (window as unknown as VoiceWindow).voice.session.sendText('Pets?'));
    await expect
      .poll(async () => (await liveShownOn(page)).at(-1)?.[1], { timeout: 30_000 })
      .toMatch(/Pets\?.*another way\?$/);
    const whole = await liveShownOn(page);
    expect(whole).toEqual([
      ...shown,
      ['user', 'Is there parking?'],
      ['assistant', notUnderstood('Is there parking?')],
      ['user', 'Pets?'],
      ['assistant', expect.stringMatching(/Pets\?.*another way\?$/)],
    ]);

    // Stored once, in the one conversation: what the page shows.
    const detail = await endAndStored(page, flatFinder.stack.store, String(first.conversationId));
    expect(detail.conversation.mode).toBe('webrtc');
    expect(detail.items.map((item) => [item.role, item.text])).toEqual(whole);
  }, 120_000);
});
