// Playback through the real worklet in Chromium, recorded sample by sample behind the player's
// output node by a test worklet in the same AudioContext.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScheduledChunk } from './page/entry.js';
import { bundleAssets, openPage, serveAssets } from './support/harness.js';

let server: Awaited<ReturnType<typeof serveAssets>>;
let browser: Browser | undefined;
let page: Page;
let errors: string[];

beforeAll(async () => {
  server = await serveAssets(await bundleAssets());
  ({ browser, page, errors } = await openPage(server.url));
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A seeded PRNG (mulberry32), so every run replays the same jitter. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/** `count` chunks of `chunkSamples` for one item, chunk i sent at i * intervalMs plus jitter, in order. */
function schedule(
  itemId: string,
  count: number,
  chunkSamples: number,
  intervalMs: number,
  jitter: () => number = () => 0,
): ScheduledChunk[] {
  const chunks: ScheduledChunk[] = [];
  for (let index = 0; index < count; index++) {
    const atMs = Math.max(chunks.at(-1)?.atMs ?? 0, index * intervalMs + jitter());
    chunks.push({ atMs, itemId, offset: index * chunkSamples, length: chunkSamples });
  }
  return chunks;
}

describe.each([48000, 44100, 24000])('playback in a %i Hz AudioContext', (sampleRate) => {
  const ratio = sampleRate / 24000;

  it('plays a stream with 0-80 ms arrival jitter gap-free after a 40 ms pre-roll, with no underrun', async () => {
    // 100 ms deltas delivered at twice real time, each delayed by 0-80 ms (seeded), order kept.
    const jitter = random(sampleRate);
    const chunks = schedule('item_jitter', 20, 2400, 50, () => jitter() * 80);
    const result = await page.evaluate((run) => window.parleyTest.playback(run), {
      sampleRate,
      prerollMs: 40,
      chunks,
      recordMs: 3000,
    });
    expect(errors).toEqual([]);
    expect(result.contextRate).toBe(sampleRate);
    expect(result.stats.underruns).toBe(0);
    expect(result.gaps).toEqual([]);
    expect(result.minInsideSpan).toBeGreaterThan(0.05);
    // Everything was rendered: 2 s of audio at the context rate, within the resampler's delay.
    expect(Math.abs(result.nonZero - 20 * 2400 * ratio)).toBeLessThanOrEqual(64);
    const idle = result.events.filter((event) => event.type === 'idle');
    expect(idle).toHaveLength(1);
    expect(idle[0]!.playedSamples).toBe(20 * 2400);
    expect(result.events[0]).toMatchObject({ type: 'started', itemId: 'item_jitter' });
  }, 20_000);

  it('plays a burst-delivered stream (10x real time, 0-80 ms jitter) gap-free, with no underrun', async () => {
    // How a Realtime server streams: far faster than real time, so a burst of deltas starts
    // playback without waiting the pre-roll time; the jitter must still never starve it.
    const jitter = random(sampleRate + 1);
    const chunks = schedule('item_burst', 20, 2400, 10, () => jitter() * 80);
    const result = await page.evaluate((run) => window.parleyTest.playback(run), {
      sampleRate,
      prerollMs: 40,
      chunks,
      recordMs: 3000,
    });
    expect(errors).toEqual([]);
    expect(result.stats.underruns).toBe(0);
    expect(result.gaps).toEqual([]);
    expect(Math.abs(result.nonZero - 20 * 2400 * ratio)).toBeLessThanOrEqual(64);
    const idle = result.events.filter((event) => event.type === 'idle');
    expect(idle).toHaveLength(1);
    expect(idle[0]!.playedSamples).toBe(20 * 2400);
  }, 20_000);

  it('counts the underruns of a starved stream and keeps the playhead exact', async () => {
    // 100 ms of audio every 250 ms: each chunk runs dry before the next arrives.
    const chunks = schedule('item_starved', 5, 2400, 250);
    const result = await page.evaluate((run) => window.parleyTest.playback(run), {
      sampleRate,
      prerollMs: 40,
      chunks,
      recordMs: 1800,
    });
    expect(errors).toEqual([]);
    expect(result.stats.underruns).toBe(4);
    expect(result.events.filter((event) => event.type === 'underrun')).toHaveLength(4);
    // The listener heard exactly those four gaps, and every sample of the item once.
    expect(result.gaps).toHaveLength(4);
    expect(Math.abs(result.nonZero - 5 * 2400 * ratio)).toBeLessThanOrEqual(64);
    const idle = result.events.filter((event) => event.type === 'idle');
    expect(idle).toHaveLength(5);
    expect(idle.map((event) => event.playedSamples)).toEqual([2400, 4800, 7200, 9600, 12000]);
  }, 20_000);

  it('flush() silences output within one render quantum and reports the samples actually rendered', async () => {
    // 3 s of one item delivered at once in 100 ms deltas, flushed after about 1 s of playback;
    // the deltas still arriving afterwards must not play.
    const chunks = [
      ...schedule('item_flushed', 20, 2400, 0),
      ...schedule('item_flushed', 10, 2400, 0).map((chunk, index) => ({
        ...chunk,
        atMs: 1300 + index * 20,
        offset: (20 + index) * 2400,
      })),
    ];
    const result = await page.evaluate((run) => window.parleyTest.playback(run), {
      sampleRate,
      prerollMs: 40,
      chunks,
      flushAtMs: 1000,
      recordMs: 2000,
    });
    expect(errors).toEqual([]);
    expect(result.flush).not.toBeNull();
    expect(result.flushMarkerFrame).not.toBeNull();
    // Silence within one render quantum: the first quantum rendered after the flush reached the
    // audio thread is already silent (nothing at or after `silentFrom`, the worklet's own frame).
    expect(result.silentFromFrame).not.toBeNull();
    expect(result.nonZeroAfterFlush).toBe(0);
    expect(result.lastFrame).toBeLessThan(result.silentFromFrame!);
    // And the flush was not held up on the way: Chrome handles worklet messages between render
    // callbacks (about 10 ms of quanta each), so a marker posted in the same task just before
    // flush() may land one callback earlier, never more.
    const callbackFrames = Math.ceil((0.011 * sampleRate) / 128) * 128;
    expect(result.silentFromFrame! - result.flushMarkerFrame!).toBeLessThanOrEqual(callbackFrames);
    expect(result.nonZeroAfterMarker).toBeLessThanOrEqual(callbackFrames);
    const position = result.flush!.position as {
      itemId: string;
      playedSamples: number;
      outputLatencyMs: number;
    };
    expect(position.itemId).toBe('item_flushed');
    // The playhead equals the samples rendered (in 24 kHz samples), within one quantum.
    expect(Math.abs(position.playedSamples - result.nonZero / ratio)).toBeLessThanOrEqual(128);
    expect(position.playedSamples).toBeGreaterThan(0.8 * 24000);
    expect(position.outputLatencyMs).toBeGreaterThanOrEqual(0);
    expect(result.flush!.resolvedMs - result.flush!.callMs).toBeLessThan(100);
    expect(result.stats.droppedChunks).toBe(10);
    expect(result.gaps).toEqual([]);
  }, 20_000);
});
