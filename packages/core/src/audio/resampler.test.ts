import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createResampler } from './resampler.js';

function tone(frequency: number, rate: number, seconds: number): Float32Array {
  const samples = new Float32Array(Math.round(rate * seconds));
  for (let index = 0; index < samples.length; index++) {
    samples[index] = Math.sin((2 * Math.PI * frequency * index) / rate);
  }
  return samples;
}

// Index of the first differing sample, or -1 (much faster than a deep equal on long arrays).
function firstDifference(actual: Float32Array, expected: Float32Array | undefined): number {
  if (!expected || actual.length !== expected.length) return -2;
  for (let index = 0; index < actual.length; index++) {
    if (!Object.is(actual[index], expected[index])) return index;
  }
  return -1;
}

function concat(parts: Float32Array[]): Float32Array {
  const result = new Float32Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    result.set(part, offset);
    offset += part.length;
  }
  return result;
}

// Gain in dB of a unit sine after resampling, measured on the steady-state middle of the output
// (the RMS of a sine is its amplitude / √2; an aliased tone is still a sine).
function gainDb(frequency: number, inputRate: number, outputRate: number): number {
  const resampler = createResampler({ inputRate, outputRate });
  const output = concat([resampler.process(tone(frequency, inputRate, 0.5)), resampler.flush()]);
  const margin = resampler.latency * 4;
  const middle = output.subarray(margin, output.length - margin);
  let energy = 0;
  for (const sample of middle) energy += sample * sample;
  const amplitude = Math.sqrt((2 * energy) / middle.length);
  return 20 * Math.log10(amplitude);
}

describe('createResampler frequency response', () => {
  describe.each([
    [48000, 24000],
    [44100, 24000],
  ])('%i Hz → %i Hz', (inputRate, outputRate) => {
    it.each([100, 440, 1000, 3000, 6000, 8000, 8999])(
      'passes a %i Hz tone within 0.5 dB',
      (frequency) => {
        expect(Math.abs(gainDb(frequency, inputRate, outputRate))).toBeLessThan(0.5);
      },
    );

    const stopband = [12500, 13000, 15000, 18000, 20000, inputRate === 48000 ? 23500 : 21500];
    it.each(stopband)('attenuates a %i Hz tone by at least 40 dB', (frequency) => {
      expect(gainDb(frequency, inputRate, outputRate)).toBeLessThan(-40);
    });
  });

  it('upsamples 24 kHz → 48 kHz keeping speech-band tones', () => {
    for (const frequency of [200, 1000, 4000, 8000]) {
      expect(Math.abs(gainDb(frequency, 24000, 48000))).toBeLessThan(0.5);
    }
  });

  it('keeps a constant signal constant (unity gain at DC)', () => {
    const resampler = createResampler({ inputRate: 44100, outputRate: 24000 });
    const output = resampler.process(new Float32Array(44100).fill(0.25));
    const settled = output.subarray(resampler.latency * 2);
    expect(
      settled.reduce((worst, sample) => Math.max(worst, Math.abs(sample - 0.25)), 0),
    ).toBeLessThan(1e-5);
  });

  it('treats NaN and infinite input samples as silence instead of smearing them', () => {
    const resampler = createResampler({ inputRate: 48000, outputRate: 24000 });
    const input = tone(1000, 48000, 0.02);
    const clean = concat([resampler.process(input), resampler.flush()]);
    input[100] = Number.NaN;
    input[200] = Number.POSITIVE_INFINITY;
    const output = concat([resampler.process(input), resampler.flush()]);
    expect(output.every((sample) => Number.isFinite(sample))).toBe(true);
    expect(
      output.reduce((worst, sample, index) => Math.max(worst, Math.abs(sample - clean[index]!)), 0),
    ).toBeLessThan(1.1);
  });

  it('passes audio through unchanged when the rates are equal', () => {
    const resampler = createResampler({ inputRate: 24000, outputRate: 24000 });
    const input = tone(440, 24000, 0.01);
    expect(resampler.process(input)).toEqual(input);
    expect(resampler.flush()).toHaveLength(0);
  });

  it('rejects rates that are not positive integers', () => {
    expect(() => createResampler({ inputRate: 0, outputRate: 24000 })).toThrow(RangeError);
    expect(() => createResampler({ inputRate: 44100.5, outputRate: 24000 })).toThrow(RangeError);
  });
});

describe('createResampler streaming', () => {
  const pairs: Array<[number, number]> = [
    [48000, 24000],
    [44100, 24000],
    [24000, 48000],
    [16000, 24000],
    [8000, 24000],
    [24000, 16000],
    [47999, 24000],
  ];

  it.each(pairs)('produces exactly ceil(n·out/in) samples for %i → %i', (inputRate, outputRate) => {
    for (const length of [0, 1, 2, 3, 99, 1000, 4801]) {
      const resampler = createResampler({ inputRate, outputRate });
      const output = concat([
        resampler.process(new Float32Array(length).fill(0.1)),
        resampler.flush(),
      ]);
      expect(output.length).toBe(Math.ceil((length * outputRate) / inputRate));
    }
  });

  it(
    'gives the same samples, bit for bit, for any chunking of the input',
    { timeout: 60_000 },
    () => {
      const signal = new Float32Array(6000);
      for (let index = 0; index < signal.length; index++) {
        signal[index] =
          Math.sin(index * 0.05) * 0.5 + Math.sin(index * 1.3) * 0.3 + ((index * 7919) % 13) / 100;
      }
      const reference = new Map(
        pairs.map(([inputRate, outputRate]) => {
          const resampler = createResampler({ inputRate, outputRate });
          return [
            `${inputRate}>${outputRate}`,
            concat([resampler.process(signal), resampler.flush()]),
          ];
        }),
      );
      fc.assert(
        fc.property(
          fc.constantFrom(...pairs),
          fc.array(fc.oneof(fc.nat({ max: 3 }), fc.nat({ max: 2000 })), {
            minLength: 1,
            maxLength: 40,
          }),
          ([inputRate, outputRate], sizes) => {
            const resampler = createResampler({ inputRate, outputRate });
            const parts: Float32Array[] = [];
            let offset = 0;
            for (const size of sizes) {
              if (offset >= signal.length) break;
              parts.push(resampler.process(signal.subarray(offset, offset + size)));
              offset += size;
            }
            parts.push(resampler.process(signal.subarray(offset)));
            parts.push(resampler.flush());
            expect(
              firstDifference(concat(parts), reference.get(`${inputRate}>${outputRate}`)),
            ).toBe(-1);
          },
        ),
        { numRuns: 150 },
      );
    },
  );

  it('writes into a caller buffer without allocating, keeping what does not fit for later', () => {
    const input = tone(700, 44100, 0.2);
    const reference = createResampler({ inputRate: 44100, outputRate: 24000 });
    const expected = concat([reference.process(input), reference.flush()]);
    const resampler = createResampler({ inputRate: 44100, outputRate: 24000 });
    const roomy = new Float32Array(resampler.maxOutputLength(128));
    const tight = new Float32Array(16);
    const parts: Float32Array[] = [];
    for (let offset = 0, call = 0; offset < input.length; offset += 128, call++) {
      // Alternate a buffer sized by maxOutputLength with one that is too small.
      const buffer = call % 2 === 0 ? roomy : tight;
      const written = resampler.processInto(input.subarray(offset, offset + 128), buffer);
      parts.push(buffer.slice(0, written));
    }
    let written: number;
    while ((written = resampler.processInto([], roomy)) > 0) parts.push(roomy.slice(0, written));
    parts.push(resampler.flush());
    expect(firstDifference(concat(parts), expected)).toBe(-1);
  });

  it('starts fresh after flush and after reset', () => {
    const resampler = createResampler({ inputRate: 48000, outputRate: 24000 });
    const input = tone(1000, 48000, 0.05);
    const first = concat([resampler.process(input), resampler.flush()]);
    const second = concat([resampler.process(input), resampler.flush()]);
    expect(second).toEqual(first);
    resampler.process(tone(3000, 48000, 0.01));
    resampler.reset();
    expect(concat([resampler.process(input), resampler.flush()])).toEqual(first);
  });

  it('keeps up over a long stream of worklet-sized frames', () => {
    const resampler = createResampler({ inputRate: 44100, outputRate: 24000 });
    const frame = tone(440, 44100, 128 / 44100);
    let produced = 0;
    for (let index = 0; index < 4000; index++) produced += resampler.process(frame).length;
    // 4,000 render quanta of 128 samples ≈ 11.6 s; all but the filter delay must have come out.
    expect(produced).toBeGreaterThanOrEqual(
      Math.floor((4000 * 128 * 24000) / 44100) - resampler.latency - 1,
    );
  });
});
