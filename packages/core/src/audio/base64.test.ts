import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeBase64,
  decodeBase64Portable,
  encodeBase64,
  encodeBase64Portable,
} from './base64.js';

describe('base64', () => {
  it('encodes identically to Node Buffer for random bytes of every length 0–300', () => {
    for (let length = 0; length <= 300; length++) {
      const bytes = new Uint8Array(length);
      for (let index = 0; index < length; index++)
        bytes[index] = (index * 7919 + length * 31) & 0xff;
      const expected = Buffer.from(bytes).toString('base64');
      expect(encodeBase64Portable(bytes)).toBe(expected);
      expect(encodeBase64(bytes)).toBe(expected);
      expect(decodeBase64(expected)).toEqual(bytes);
      expect(decodeBase64Portable(expected)).toEqual(bytes);
    }
  });

  it('matches Buffer for random lengths and contents, including views into larger buffers', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), fc.nat({ max: 7 }), (data, offset) => {
        const backing = new Uint8Array(data.length + offset + 3);
        backing.set(data, offset);
        const view = backing.subarray(offset, offset + data.length);
        const expected = Buffer.from(data).toString('base64');
        expect(encodeBase64Portable(view)).toBe(expected);
        expect(encodeBase64(view)).toBe(expected);
        expect(decodeBase64(expected)).toEqual(data);
        expect(decodeBase64(expected.replace(/=+$/, ''))).toEqual(data);
        expect(decodeBase64Portable(expected)).toEqual(data);
        expect(decodeBase64Portable(expected.replace(/=+$/, ''))).toEqual(data);
      }),
      { numRuns: 500 },
    );
  });

  it('encodes a second of 24 kHz PCM16 and larger buffers without blowing the stack', () => {
    const bytes = new Uint8Array(3 * 1024 * 1024).map((_, index) => index & 0xff);
    expect(encodeBase64Portable(bytes)).toBe(Buffer.from(bytes).toString('base64'));
  });

  it('accepts ArrayBuffer and typed-array views of other element types', () => {
    const samples = new Int16Array([1, -1, 32767]);
    const expected = Buffer.from(samples.buffer).toString('base64');
    expect(encodeBase64(samples)).toBe(expected);
    expect(encodeBase64(samples.buffer)).toBe(expected);
  });

  it('decodes the URL-safe alphabet', () => {
    const bytes = new Uint8Array([0xfb, 0xff, 0xfe]);
    expect(decodeBase64('-__-')).toEqual(bytes);
    expect(decodeBase64Portable('-__-')).toEqual(bytes);
  });

  it('rejects characters outside the alphabet and impossible lengths with a protocol error', () => {
    for (const bad of ['A', 'AAAAA', 'AB$D', 'AA=A', 'ÀAAA', 'ŁAAA', 'AAA===', 'AA\nAA']) {
      expect(() => decodeBase64(bad), bad).toThrow(/Invalid base64/);
      expect(() => decodeBase64Portable(bad), bad).toThrow(/Invalid base64/);
    }
  });

  it('never throws anything but its own error on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 64 }), (text) => {
        for (const decode of [decodeBase64, decodeBase64Portable]) {
          try {
            expect(decode(text)).toBeInstanceOf(Uint8Array);
          } catch (error) {
            expect((error as Error).message).toMatch(/Invalid base64/);
          }
        }
      }),
      { numRuns: 1000 },
    );
  });
});
