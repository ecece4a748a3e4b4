import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EnergyVad, thresholdToDbfs, type VadEvent } from './vad.js';

const RATE = 24000;
const tone = (ms: number, amplitude: number) =>
  Int16Array.from({ length: (RATE * ms) / 1000 }, (_, i) =>
    Math.round(amplitude * Math.sin((2 * Math.PI * 220 * i) / RATE)),
  );
const silence = (ms: number) => new Int16Array((RATE * ms) / 1000);
const concat = (...parts: Int16Array[]) => {
  const out = new Int16Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
};
const settings = { threshold: 0.5, prefixPaddingMs: 300, silenceDurationMs: 200 };

function run(samples: Int16Array, chunk: number, bufferStart = 0): VadEvent[] {
  const vad = new EnergyVad(RATE, settings);
  const events: VadEvent[] = [];
  for (let offset = 0; offset < samples.length; offset += chunk)
    events.push(...vad.push(samples.subarray(offset, offset + chunk), offset, bufferStart));
  return events;
}

describe('EnergyVad', () => {
  it('maps the threshold onto −60…−10 dBFS', () => {
    expect(thresholdToDbfs(0)).toBe(-60);
    expect(thresholdToDbfs(0.5)).toBe(-35);
    expect(thresholdToDbfs(1)).toBe(-10);
  });

  it('starts a turn with prefix padding and ends it after the silence duration', () => {
    const events = run(concat(silence(1000), tone(800, 8000), silence(500)), 480);
    expect(events).toEqual([
      {
        type: 'speech_started',
        startSample: (700 * RATE) / 1000,
        detectedAtSample: (1030 * RATE) / 1000,
      },
      { type: 'speech_stopped', endSample: (2000 * RATE) / 1000 },
    ]);
  });

  it('never pads before the start of the buffer', () => {
    const [started] = run(concat(silence(100), tone(300, 8000), silence(400)), 480, 1200);
    expect(started).toMatchObject({ type: 'speech_started', startSample: 1200 });
  });

  it('ignores clicks shorter than the onset and quiet sound under the threshold', () => {
    expect(run(concat(silence(200), tone(20, 20000), silence(400)), 480)).toEqual([]);
    expect(run(concat(silence(200), tone(500, 300), silence(400)), 480)).toEqual([]);
  });

  it('finds the same boundaries whatever the chunk sizes', () => {
    const audio = concat(
      silence(400),
      tone(600, 6000),
      silence(300),
      tone(400, 6000),
      silence(600),
    );
    const reference = run(audio, 480);
    expect(reference).toHaveLength(4);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9000 }), (chunk) => {
        expect(run(audio, chunk)).toEqual(reference);
      }),
      { numRuns: 60 },
    );
  });
});
