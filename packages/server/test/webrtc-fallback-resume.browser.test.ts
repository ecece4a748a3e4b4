// An `'auto'` session in real Chromium whose WebRTC call drops and whose reconnect cannot do
// WebRTC on the network (issue 17): the reconnect's call never connects (the page's new peer
// connections may use relay candidates only, and there is no TURN server), so core falls back to
// the WebSocket relay for good, and the relay grant carries the dropped call's conversation as
// `resume`: the same conversation goes on through the relay, the model is given its history, the
// page shows each item once and the conversation is stored once, as a relayed one from then on.
import { describe, expect, it } from 'vitest';
import { notUnderstood } from './relay-helpers.js';
import {
  endAndStored,
  endUpstreamCall,
  openVoicePage,
  say,
  snapshot,
  useFlatFinder,
  waitForEvent,
} from './webrtc-chromium.js';
import type { VoiceWindow } from './webrtc-chromium.js';

const apiKey = 'test-key-webrtc-fallback-resume-17';

// One per client: the relay grant may be asked for before the failed call's hang-up is in; the
// relay ends that call before it takes the client's slot.
const flatFinder = useFlatFinder(apiKey);

/**
 * Installed before any page script: once `window.cutIce` is set, every new peer connection may
 * use relay candidates only and has no TURN server, so its ICE never connects (the network
 * cannot carry WebRTC any more).
 */
function restrictIceOnDemand(): void {
  const Original = window.RTCPeerConnection;
  const w = window as unknown as { cutIce?: boolean; RTCPeerConnection: typeof Original };
  w.RTCPeerConnection = class extends Original {
    constructor(config?: RTCConfiguration) {
      super(w.cutIce ? { ...config, iceServers: [], iceTransportPolicy: 'relay' } : config);
    }
  };
}

describe("an 'auto' session whose dropped call cannot reconnect over WebRTC", () => {
  it('falls back to the relay with the same conversation, replayed to the model, shown once', async () => {
    const { stack, upstreamCalls } = flatFinder;
    const { page, posted, answered } = await openVoicePage(stack, restrictIceOnDemand);
    expect(
      await page.evaluate(() =>
        (window as unknown as VoiceWindow).startVoice('concierge', 'auto', {
          connectTimeoutMs: 3000,
        }),
      ),
    ).toBe('connected');
    expect((await snapshot(page)).transport).toBe('webrtc');
    await waitForEvent(page, 'response.done');
    const opening = 'My name is Ada and I am looking for a two-bedroom flat near the river.';
    const before = await say(page, opening);
    const shown = (await snapshot(page)).items.map((item) => [item.role, item.text]);
    expect(shown).toEqual([
      ['assistant', 'Welcome to the flat finder.'],
      ['user', opening],
      ['assistant', notUnderstood(opening)],
    ]);
    const first = answered[0]!.body;
    expect(first).toMatchObject({ mode: 'webrtc', resumed: false });
    const resume = { conversationId: first.conversationId, token: first.resumeToken };

    // The network stops carrying WebRTC, and the call drops under the page.
    await page.evaluate(() => {
      (window as unknown as { cutIce: boolean }).cutIce = true;
    });
    await endUpstreamCall(stack, apiKey, upstreamCalls[0]!);

    // The reconnect tries WebRTC (its offer asks to go on), cannot connect, and falls back.
    await expect
      .poll(async () => (await snapshot(page)).transport, { timeout: 30_000 })
      .toBe('websocket');
    await expect
      .poll(async () => (await snapshot(page)).status, { timeout: 20_000 })
      .toBe('connected');
    const view = await snapshot(page);
    expect(['ice_failed', 'connect_timeout']).toContain(view.transportFallbackReason);
    expect(view.diagnostics?.reconnects).toBe(1);
    const offers = posted.filter((request) => request.path === '/api/calls');
    expect(offers.map((offer) => offer.body.resume)).toEqual([undefined, resume]);
    // The relay grant carries the same conversation, and the relay goes on with it.
    const grants = posted.filter((request) => request.path === '/api/sessions');
    expect(grants.map((grant) => grant.body)).toEqual([{ agentId: 'concierge', resume }]);
    await expect
      .poll(() => answered.filter((answer) => answer.path === '/api/sessions').length)
      .toBe(1);
    expect(answered.find((answer) => answer.path === '/api/sessions')!.body).toMatchObject({
      mode: 'relay',
      resumed: true,
      conversationId: first.conversationId,
    });

    // The model was given the conversation, and the page shows each item once.
    const after = await say(page, 'And is there parking?');
    expect(after).toBeGreaterThan(before);
    expect((await snapshot(page)).items.map((item) => [item.role, item.text])).toEqual([
      ...shown,
      ['user', 'And is there parking?'],
      ['assistant', notUnderstood('And is there parking?')],
    ]);

    // Stored once: what the page shows, no item twice.
    const detail = await endAndStored(page, stack.store, String(first.conversationId));
    expect(detail.conversation.mode).toBe('relay');
    expect(detail.items.map((item) => item.text)).toEqual([
      ...shown.map(([, text]) => text),
      'And is there parking?',
      notUnderstood('And is there parking?'),
    ]);
  }, 120_000);
});
