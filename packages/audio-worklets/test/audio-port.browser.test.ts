// The AudioPort and microphone in Chromium: typed start failures, a hot device switch without
// reconnecting, playback events, mute, and the blocked state until a user gesture.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAssets, openPage, serveAssets } from './support/harness.js';
import { makeCaptureFixture } from './support/wav.js';

let server: Awaited<ReturnType<typeof serveAssets>>;
let fixture: ReturnType<typeof makeCaptureFixture>;

beforeAll(async () => {
  fixture = makeCaptureFixture();
  server = await serveAssets(await bundleAssets());
}, 60_000);

afterAll(async () => {
  await server?.close();
  fixture?.cleanup();
});

describe('microphone start failures', () => {
  it('rejects with typed errors: permission denied, device not found, worklet not loadable', async () => {
    const { browser, page } = await openPage(server.url);
    try {
      const notFound = await page.evaluate(() =>
        window.parleyTest.startFailure({ deviceId: 'no-such-device' }),
      );
      expect(notFound).toEqual({
        name: 'ParleyError',
        reason: 'audio',
        code: 'microphone_not_found',
        state: 'error',
      });
      const noWorklet = await page.evaluate(() =>
        window.parleyTest.startFailure({ workletUrl: '/worklets/missing.js' }),
      );
      expect(noWorklet).toMatchObject({ reason: 'audio', code: 'audio_worklet_load_failed' });
      await page.goto(`${server.url}?denied`);
      await page.waitForFunction(() => 'parleyTest' in window);
      const denied = await page.evaluate(() => window.parleyTest.startFailure({}));
      expect(denied).toEqual({
        name: 'ParleyError',
        reason: 'permission',
        code: 'microphone_permission_denied',
        state: 'error',
      });
    } finally {
      await browser.close();
    }
  }, 30_000);
});

describe('createAudioPort', () => {
  it('keeps the speaker playing when the microphone is refused, and rejects start() with the permission error', async () => {
    const { browser, page } = await openPage(`${server.url}?denied`);
    try {
      await page.waitForFunction(() => 'parleyTest' in window);
      const result = await page.evaluate(() => window.parleyTest.portWithRefusedMicrophone());
      expect(result.failure).toEqual({
        reason: 'permission',
        code: 'microphone_permission_denied',
      });
      expect(result.stateAfterStart).toBe('running');
      expect(result.idle).toMatchObject([{ itemId: 'item_refused', playedSamples: 4800 }]);
      expect(result.contextClosed).toBe(true);
    } finally {
      await browser.close();
    }
  }, 30_000);

  it('captures, switches input device without reconnecting, plays, mutes, and stops cleanly', async () => {
    const { browser, page, errors } = await openPage(server.url, fixture.path);
    try {
      const result = await page.evaluate(() => window.parleyTest.portRoundTrip());
      expect(errors).toEqual([]);
      expect(result.states).toEqual(['starting', 'running', 'stopped']);
      expect(result.frameLengths).toEqual([480]);
      expect(result.frames).toBeGreaterThan(40);
      // The switch kept the same context and an unbroken frame sequence.
      expect(result.inputs.length).toBeGreaterThan(1);
      expect(result.after).not.toBe(result.before);
      expect(result.sameContext).toBe(true);
      expect(result.sequencesContinuous).toBe(true);
      // Playback: started, then idle with every sample of the item played.
      expect(result.started).toEqual(['item_port']);
      expect(result.idle).toHaveLength(1);
      expect(result.idle[0]).toMatchObject({ itemId: 'item_port', playedSamples: 7200 });
      expect(result.position).toMatchObject({ itemId: 'item_port', playedSamples: 7200 });
      expect(result.maxOutputRms).toBeGreaterThan(0.1);
      expect(result.levels).toBeGreaterThan(10);
      // Muted: no frames; unmuted: frames again.
      expect(result.framesWhileMuted).toBe(0);
      expect(result.framesAfterUnmute).toBeGreaterThan(3);
      expect(result.contextClosed).toBe(true);
    } finally {
      await browser.close();
    }
  }, 30_000);

  it('reports a blocked state when autoplay rules hold audio or the context is interrupted, and runs after a click', async () => {
    let reportBlocked: (text: string) => void = () => undefined;
    const blockedReport = new Promise<string>((resolve) => {
      reportBlocked = resolve;
    });
    const { browser, page } = await openPage(`${server.url}?blocked`, undefined, {
      autoplay: false,
      onConsole: (text) => {
        if (text.startsWith('blocked-result ')) reportBlocked(text.slice('blocked-result '.length));
      },
    });
    try {
      const blocked: unknown = JSON.parse(await blockedReport);
      expect(blocked).toEqual({ state: 'blocked', states: ['starting', 'blocked'] });
      await page.mouse.click(10, 10);
      const unlocked = await page.evaluate(() => window.parleyTest.waitForState('running'));
      expect(unlocked).toEqual({ state: 'running', contextState: 'running' });
      // Suspended behind its back (an iOS interruption): blocked again until the next tap.
      const interrupted = await page.evaluate(() => window.parleyTest.interrupt());
      expect(interrupted).toEqual({ state: 'blocked', contextState: 'suspended' });
      await page.mouse.click(10, 10);
      const resumed = await page.evaluate(() => window.parleyTest.waitForState('running'));
      expect(resumed).toEqual({ state: 'running', contextState: 'running' });
      await page.evaluate(() => window.parleyTest.stopBlocked());
    } finally {
      await browser.close();
    }
  }, 30_000);
});
