import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToMs, checkAudioFormat, decodeStrictBase64, decodeToLinear } from './audio-format.js';

describe('audio input checks', () => {
  it('decodes any valid base64 exactly and refuses everything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        expect([...decodeStrictBase64(Buffer.from(bytes).toString('base64'), 'audio')]).toEqual([
          ...bytes,
        ]);
      }),
    );
    for (const bad of ['abc', 'ab$=', 'YWJj ZA==', 'YW-j', '====x'])
      expect(() => decodeStrictBase64(bad, 'audio')).toThrow(/not valid base64/);
    expect([...decodeStrictBase64('QR==', 'audio')]).toEqual([0x41]); // non-canonical padding bits are still base64
  });

  it('refuses containers and odd PCM16 lengths', () => {
    const pcm = { type: 'audio/pcm', rate: 24000 } as const;
    expect(() => checkAudioFormat(Buffer.from('RIFF\0\0\0\0WAVEfmt '), pcm, 'audio')).toThrow(
      /WAV file/,
    );
    expect(() => checkAudioFormat(Buffer.alloc(3), pcm, 'audio')).toThrow(/even number of bytes/);
    expect(() => checkAudioFormat(Buffer.alloc(3), { type: 'audio/pcmu' }, 'audio')).not.toThrow();
  });

  it('converts byte counts to milliseconds per format and decodes G.711', () => {
    expect(bytesToMs(4800, { type: 'audio/pcm', rate: 24000 })).toBe(100);
    expect(bytesToMs(800, { type: 'audio/pcma' })).toBe(100);
    expect([
      ...decodeToLinear(Buffer.from([0xff, 0x7f, 0x00, 0x80]), { type: 'audio/pcm', rate: 24000 }),
    ]).toEqual([32767, -32768]);
    const mu = decodeToLinear(Buffer.from([0xff, 0x7f, 0x00, 0x80]), { type: 'audio/pcmu' });
    expect([...mu]).toEqual([0, 0, -32124, 32124]);
  });
});
