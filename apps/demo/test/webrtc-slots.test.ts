// @vitest-environment node
// A WebRTC call gives its per-client slot back when its page goes, in real Chromium against the
// server and the emulator: a closed page hangs its call up from `pagehide` (so four pages in a row
// from one address all connect, under the cap of 3), and a page that dies without a word (its
// renderer crashed) is noticed by the upstream's watch on the peer within its bound.
import type { Page } from 'playwright-core';
import { PEER_SILENCE_MS } from '@parley/emulator';
import { describe, expect, it } from 'vitest';
import { startConversation, useDemoInChromium } from './chromium-stack.js';

const STEP_TIMEOUT = 40_000;

const demo = useDemoInChromium({ speechRate: Infinity });

/** Opens the demo in a page of its own and starts a conversation over its default transport. */
async function startCall(): Promise<Page> {
  const page = await startConversation(demo, '/?debug', STEP_TIMEOUT);
  expect(await page.getByTestId('transport').getAttribute('data-transport')).toBe('webrtc');
  return page;
}

/** Live conversations on the server (its WebRTC calls hold the slots). */
const live = (): number => demo.stack.parley.activeSessions();

/** Milliseconds until the server holds no conversation and the emulator no call, or -1 past `limitMs`. */
async function msUntilFree(since: number, limitMs: number): Promise<number> {
  while (Date.now() - since < limitMs) {
    if (live() === 0 && demo.stack.emulator.calls === 0) return Date.now() - since;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return -1;
}

describe('a WebRTC call whose page is gone', () => {
  it('is hung up from pagehide: four pages in a row from one address all connect', async () => {
    const freedAfter: number[] = [];
    for (let index = 0; index < 4; index += 1) {
      const page = await startCall();
      expect(live()).toBe(1);
      const closedAt = Date.now();
      await page.close();
      // Far below the emulator's silence bound: the page's own hang-up freed the slot.
      const ms = await msUntilFree(closedAt, PEER_SILENCE_MS / 2);
      expect(ms).toBeGreaterThanOrEqual(0);
      freedAfter.push(ms);
    }
    console.log(`page closed -> slot free (pagehide hang-up): ${freedAfter.join(', ')} ms`);
  }, 240_000);

  it('frees the slot of a page killed without pagehide within the upstream peer bound', async () => {
    const page = await startCall();
    const crashed = page.waitForEvent('crash');
    const cdp = await page.context().newCDPSession(page);
    const killedAt = Date.now();
    void cdp.send('Page.crash').catch(() => undefined);
    await crashed;
    // Silence bound, plus one check, plus the sideband's close reaching the server.
    const ms = await msUntilFree(killedAt, PEER_SILENCE_MS + 5000);
    console.log(`page killed -> slot free (upstream noticed the peer gone): ${ms} ms`);
    expect(ms).toBeGreaterThanOrEqual(0);
    await page.close().catch(() => undefined);
  }, 120_000);
});
