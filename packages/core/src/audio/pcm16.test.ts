import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToInt16, floatToPcm16, int16ToBytes, pcm16ToFloat } from './pcm16.js';

describe('floatToPcm16', () => {
  it('maps the edges exactly: -1 → -32768, +1 → 32767, 0 → 0', () => {
    expect(Array.from(floatToPcm16([-1, 1, 0, -0]))).toEqual([-32768, 32767, 0, 0]);
  });

  it('clips beyond ±1, including infinities', () => {
    expect(Array.from(floatToPcm16([1.5, -1.5, 1e9, -1e9, Infinity, -Infinity]))).toEqual([
      32767, -32768, 32767, -32768, 32767, -32768,
    ]);
  });

  it('turns NaN into silence', () => {
    expect(Array.from(floatToPcm16([NaN, 0.5, NaN]))).toEqual([0, 16384, 0]);
  });

  it('rounds to nearest, half away from zero', () => {
    expect(
      Array.from(floatToPcm16([0.5 / 32767, -0.5 / 32768, 0.49 / 32767, 1.5 / 32767])),
    ).toEqual([1, -1, 0, 2]);
  });

  it('writes into a given output and refuses one that is too short', () => {
    const output = new Int16Array(4);
    expect(floatToPcm16([1, -1], output)).toBe(output);
    expect(Array.from(output)).toEqual([32767, -32768, 0, 0]);
    expect(() => floatToPcm16([1, 1, 1], new Int16Array(2))).toThrow(RangeError);
  });

  it('stays within one step of the ideal value for any float', () => {
    fc.assert(
      fc.property(fc.float({ min: -1, max: 1, noNaN: true }), (sample) => {
        const [pcm] = floatToPcm16([sample]);
        const ideal = sample < 0 ? sample * 32768 : sample * 32767;
        expect(Math.abs(pcm! - ideal)).toBeLessThanOrEqual(0.5);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('pcm16ToFloat', () => {
  it('maps the edges exactly and round-trips every int16 value', () => {
    const all = new Int16Array(65536);
    for (let index = 0; index < 65536; index++) all[index] = index - 32768;
    const floats = pcm16ToFloat(all);
    expect(floats[0]).toBe(-1);
    expect(floats[65535]).toBe(1);
    expect(floats[32768]).toBe(0);
    const back = floatToPcm16(floats);
    expect(back.every((value, index) => value === all[index])).toBe(true);
  });

  it('reads little-endian bytes, aligned or not', () => {
    const samples = new Int16Array([0, 1, -1, 32767, -32768, 258]);
    const bytes = int16ToBytes(samples);
    expect(Array.from(bytes.subarray(0, 6))).toEqual([0, 0, 1, 0, 0xff, 0xff]);
    const unaligned = new Uint8Array(bytes.length + 1).subarray(1);
    unaligned.set(bytes);
    expect(bytesToInt16(unaligned)).toEqual(samples);
    expect(pcm16ToFloat(unaligned)).toEqual(pcm16ToFloat(samples));
  });
});
