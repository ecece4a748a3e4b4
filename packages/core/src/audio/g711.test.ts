import { describe, expect, it } from 'vitest';
import { decodeALaw, decodeMuLaw, encodeALaw, encodeMuLaw } from './g711.js';

const everyCode = Uint8Array.from({ length: 256 }, (_, index) => index);

describe('G.711 µ-law', () => {
  it('matches the reference values of the standard tables', () => {
    expect(Array.from(encodeMuLaw(new Int16Array([0, 32767, -32768, -1])))).toEqual([
      0xff, 0x80, 0x00, 0x7e,
    ]);
    expect(Array.from(decodeMuLaw(new Uint8Array([0xff, 0x7f, 0x80, 0x00, 0xf0, 0x70])))).toEqual([
      0, 0, 32124, -32124, 120, -120,
    ]);
  });

  it('re-encodes every decoded code to itself (negative zero aside)', () => {
    const reencoded = encodeMuLaw(decodeMuLaw(everyCode));
    for (const code of everyCode) expect(reencoded[code]).toBe(code === 0x7f ? 0xff : code);
  });

  it('is monotonic and within one step of every input', () => {
    const samples = Int16Array.from({ length: 65536 }, (_, index) => index - 32768);
    const decoded = decodeMuLaw(encodeMuLaw(samples));
    const violations: number[] = [];
    for (let index = 0; index < samples.length; index++) {
      if (index > 0 && decoded[index]! < decoded[index - 1]!) violations.push(index);
      // The largest step (top segment) is 1024; the error stays within it, clipping aside.
      const clipped = Math.max(-32124, Math.min(32124, samples[index]!));
      if (Math.abs(decoded[index]! - clipped) > 1024) violations.push(index);
    }
    expect(violations).toEqual([]);
  });
});

describe('G.711 A-law', () => {
  it('matches the reference values of the standard tables', () => {
    expect(Array.from(encodeALaw(new Int16Array([0, 32767, -32768, -1])))).toEqual([
      0xd5, 0xaa, 0x2a, 0x55,
    ]);
    expect(Array.from(decodeALaw(new Uint8Array([0xd5, 0x55, 0xaa, 0x2a])))).toEqual([
      8, -8, 32256, -32256,
    ]);
  });

  it('re-encodes every decoded code to itself', () => {
    expect(encodeALaw(decodeALaw(everyCode))).toEqual(everyCode);
  });

  it('is monotonic and within one step of every input', () => {
    const samples = Int16Array.from({ length: 65536 }, (_, index) => index - 32768);
    const decoded = decodeALaw(encodeALaw(samples));
    const violations: number[] = [];
    for (let index = 0; index < samples.length; index++) {
      if (index > 0 && decoded[index]! < decoded[index - 1]!) violations.push(index);
      if (Math.abs(decoded[index]! - samples[index]!) > 1024) violations.push(index);
    }
    expect(violations).toEqual([]);
  });
});
