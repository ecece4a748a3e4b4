// Capture through the real worklet in Chromium: the fake microphone plays a known WAV (a 1 kHz
// sine, then espeak-ng speech) once per browser launch, so each context rate gets its own browser.
import { floatToPcm16 } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleAssets, openPage, serveAssets } from './support/harness.js';
import { FIXTURE, loudSpans, makeCaptureFixture, readWav } from './support/wav.js';

const FRAME = 480; // 20 ms at 24 kHz
let fixture: ReturnType<typeof makeCaptureFixture>;
let server: Awaited<ReturnType<typeof serveAssets>>;

beforeAll(async () => {
  fixture = makeCaptureFixture();
  server = await serveAssets(await bundleAssets());
}, 60_000);

afterAll(async () => {
  await server?.close();
  fixture?.cleanup();
});

/** Sine and speech spans of the source WAV, in seconds. */
function sourceSpans() {
  const wav = readWav(fixture.path);
  const spans = loudSpans(wav.samples, 0.01 * 32768, Math.round(0.6 * wav.sampleRate));
  expect(spans).toHaveLength(2);
  return spans.map(({ start, end }) => ({
    start: start / wav.sampleRate,
    end: end / wav.sampleRate,
  }));
}

/** Frequency of a sine from the median period between upward zero crossings (interpolated), in Hz. */
function sineFrequency(samples: Float64Array, sampleRate: number): number {
  const crossings: number[] = [];
  for (let index = 1; index < samples.length; index++) {
    const before = samples[index - 1]!;
    const after = samples[index]!;
    if (before < 0 && after >= 0) crossings.push(index - 1 + before / (before - after));
  }
  const periods = crossings.slice(1).map((crossing, index) => crossing - crossings[index]!);
  periods.sort((a, b) => a - b);
  return sampleRate / periods[Math.floor(periods.length / 2)]!;
}

describe.each([24000, 48000, 44100])('capture in a %i Hz AudioContext', (contextRate) => {
  it('delivers 24 kHz PCM16 frames of the source duration, at the right pitch, continuous across frames', async () => {
    const { browser, page, errors } = await openPage(server.url, fixture.path);
    try {
      const result = await page.evaluate((run) => window.parleyTest.capture(run), {
        sampleRate: contextRate,
        durationMs: 6800,
      });
      expect(errors).toEqual([]);
      expect(result.contextRate).toBe(contextRate);
      // Every frame is exactly 20 ms at 24 kHz, numbered without gaps.
      expect(new Set(result.frameLengths)).toEqual(new Set([FRAME]));
      expect(result.sequences).toEqual(result.sequences.map((_, index) => index + 1));
      // Levels arrive at no more than 30 Hz, and the speech turned the voice hint on.
      // (Counted over the capture window; one reading either side for delivery jitter.)
      expect(result.levelsInWindow).toBeLessThanOrEqual(Math.ceil(30 * 6.8) + 2);
      expect(result.levels).toBeGreaterThan(100);
      expect(result.speakingSeen).toBe(true);

      const bytes = Buffer.from(result.pcm, 'base64');
      const pcm = new Int16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
      const captured = loudSpans(pcm, 0.01 * 32768, Math.round(0.6 * 24000)).map(
        ({ start, end }) => ({
          start: start / 24000,
          end: end / 24000,
        }),
      );
      const source = sourceSpans();
      const spans = JSON.stringify({ captured, source });
      expect(captured, spans).toHaveLength(2);
      const [sine, speech] = captured as [
        { start: number; end: number },
        { start: number; end: number },
      ];
      const [sourceSine, sourceSpeech] = source as [typeof sine, typeof speech];
      const frameSeconds = FRAME / 24000;
      // Total durations (and the sine-to-speech offset) match the WAV within one frame.
      expect(
        Math.abs(sine.end - sine.start - (sourceSine.end - sourceSine.start)),
        spans,
      ).toBeLessThanOrEqual(frameSeconds);
      expect(
        Math.abs(speech.end - speech.start - (sourceSpeech.end - sourceSpeech.start)),
        spans,
      ).toBeLessThanOrEqual(frameSeconds);
      expect(
        Math.abs(speech.start - sine.start - (sourceSpeech.start - sourceSine.start)),
        spans,
      ).toBeLessThanOrEqual(frameSeconds);

      // The sine, away from its edges: 1 kHz, half scale, and no discontinuity anywhere, frame
      // boundaries included: x[n+1] - 2cos(w)x[n] + x[n-1] is ~0 for a pure sine, while one
      // dropped or repeated sample makes it about amplitude * w (~0.13 here).
      const first = Math.round((sine.start + 0.1) * 24000);
      const last = Math.round((sine.end - 0.1) * 24000);
      const interior = Float64Array.from(pcm.subarray(first, last), (value) => value / 32768);
      expect(Math.abs(sineFrequency(interior, 24000) - FIXTURE.sineFrequency), spans).toBeLessThan(
        1,
      );
      const peak = interior.reduce((max, value) => Math.max(max, Math.abs(value)), 0);
      expect(Math.abs(peak - FIXTURE.sineAmplitude), spans).toBeLessThan(0.03);
      if (contextRate === 24000) {
        // No resampling in the worklet: its frames must be its input, sample for sample. (Here
        // Chrome converts the 48 kHz device to the context rate itself and, on a loaded machine,
        // sometimes repeats a 10 ms block upstream of the worklet; that is why Parley defaults to
        // device-rate contexts and resamples in the worklet, and why this case compares the frames
        // with the worklet's exact input rather than with the WAV.)
        const inputBytes = Buffer.from(result.input, 'base64');
        const input = new Float32Array(
          inputBytes.buffer,
          inputBytes.byteOffset,
          inputBytes.byteLength / 4,
        );
        // Frame sample j was captured at context frame firstCaptureFrame + j; the tap's sample i at
        // inputStartFrame + i (the tap may start before or after the first frame).
        const offset = result.inputStartFrame - result.firstCaptureFrame;
        const expected = floatToPcm16(input);
        let compared = 0;
        let mismatches = 0;
        for (
          let index = Math.max(0, offset);
          index < pcm.length && index - offset < input.length;
          index++
        ) {
          compared++;
          if (pcm[index] !== expected[index - offset]) mismatches++;
        }
        expect(compared).toBeGreaterThan(24000 * 5);
        expect(mismatches).toBe(0);
        return;
      }
      const coefficient = 2 * Math.cos((2 * Math.PI * FIXTURE.sineFrequency) / 24000);
      let worst = 0;
      let worstAtBoundary = 0;
      const glitches: number[] = [];
      for (let index = 1; index < interior.length - 1; index++) {
        const residual = Math.abs(
          interior[index + 1]! - coefficient * interior[index]! + interior[index - 1]!,
        );
        worst = Math.max(worst, residual);
        const absolute = first + index;
        if (residual >= 0.01 && glitches.length < 20) glitches.push(absolute);
        if (absolute % FRAME === 0 || (absolute + 1) % FRAME === 0)
          worstAtBoundary = Math.max(worstAtBoundary, residual);
      }
      const where = JSON.stringify({
        glitches,
        frameOffsets: glitches.map((index) => index % FRAME),
      });
      expect(worstAtBoundary, where).toBeLessThan(0.01);
      expect(worst, where).toBeLessThan(0.01);
    } finally {
      await browser.close();
    }
  }, 30_000);
});
