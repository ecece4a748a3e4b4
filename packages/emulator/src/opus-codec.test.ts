import { describe, expect, it } from 'vitest';
import { CALL_SAMPLE_RATE, FRAME_SAMPLES, OpusCodec } from './opus-codec.js';

const FRAMES = 12;

/** `frames` 20 ms frames of a tone at `frequency`, as PCM16 little-endian buffers. */
function tone(frequency: number, frames: number): Buffer[] {
  const result: Buffer[] = [];
  for (let frame = 0; frame < frames; frame += 1) {
    const pcm = Buffer.alloc(FRAME_SAMPLES * 2);
    for (let i = 0; i < FRAME_SAMPLES; i += 1) {
      const t = (frame * FRAME_SAMPLES + i) / CALL_SAMPLE_RATE;
      pcm.writeInt16LE(Math.round(9000 * Math.sin(2 * Math.PI * frequency * t)), i * 2);
    }
    result.push(pcm);
  }
  return result;
}

/** The frequency of a decoded tone, from its zero crossings. */
function frequencyOf(frames: Buffer[]): number {
  const pcm = Buffer.concat(frames);
  let crossings = 0;
  for (let i = 2; i < pcm.length; i += 2) {
    if (pcm.readInt16LE(i - 2) < 0 !== pcm.readInt16LE(i) < 0) crossings += 1;
  }
  return crossings / 2 / (pcm.length / 2 / CALL_SAMPLE_RATE);
}

/**
 * `count` calls at once, as the emulator carries them: each encodes its own tone frame by frame,
 * interleaved with every other, and the packets are decoded by another codec (the far side).
 */
function roundTrips(codecs: OpusCodec[]): { expected: number; heard: number }[] {
  const count = codecs.length;
  const tones = codecs.map((_, index) => tone(300 + (index % 20) * 40, FRAMES));
  const decoded: Buffer[][] = codecs.map(() => []);
  for (let frame = 0; frame < FRAMES; frame += 1) {
    for (let index = 0; index < count; index += 1) {
      const packet = codecs[index]!.encode(tones[index]![frame]!);
      const pcm = codecs[(index + 1) % count]!.decode(packet);
      expect(pcm).not.toBeNull();
      decoded[index]!.push(pcm!);
    }
  }
  // The first frames carry the codec's look-ahead: judge the tone once it is established.
  return decoded.map((frames, index) => ({
    expected: 300 + (index % 20) * 40,
    heard: frequencyOf(frames.slice(4)),
  }));
}

describe('OpusCodec', () => {
  it('round-trips a tone to PCM16 of the same length and pitch', () => {
    const pair = [new OpusCodec(), new OpusCodec()];
    for (const { expected, heard } of roundTrips(pair)) {
      expect(Math.abs(heard - expected)).toBeLessThan(15);
    }
    for (const codec of pair) codec.dispose();
  });

  it('carries 60 concurrent calls without one call overwriting another', () => {
    const codecs = Array.from({ length: 60 }, () => new OpusCodec());
    try {
      for (const { expected, heard } of roundTrips(codecs)) {
        expect(Math.abs(heard - expected)).toBeLessThan(15);
      }
    } finally {
      for (const codec of codecs) codec.dispose();
    }
  });

  it('keeps working when the wasm heap grows under hundreds of open calls', () => {
    // Opened first: its place in the heap predates the growth the others cause.
    const early = new OpusCodec();
    early.encode(tone(500, 1)[0]!);
    const codecs = [early, ...Array.from({ length: 249 }, () => new OpusCodec())];
    try {
      for (const { expected, heard } of roundTrips(codecs)) {
        expect(Math.abs(heard - expected)).toBeLessThan(15);
      }
    } finally {
      for (const codec of codecs) codec.dispose();
    }
  });

  it('codes two channels apart, interleaved, beside mono calls', () => {
    const calls = [new OpusCodec(), new OpusCodec()];
    calls[0]!.encode(tone(400, 1)[0]!);
    const stereo = new OpusCodec({
      channels: 2,
      application: 'audio',
      complexity: 5,
      bitrate: 48_000,
    });
    const left = tone(300, FRAMES);
    const right = tone(700, FRAMES);
    const heard: Buffer[][] = [[], []];
    for (let frame = 0; frame < FRAMES; frame += 1) {
      const pcm = Buffer.alloc(FRAME_SAMPLES * 4);
      for (let i = 0; i < FRAME_SAMPLES; i += 1) {
        pcm.writeInt16LE(left[frame]!.readInt16LE(i * 2), i * 4);
        pcm.writeInt16LE(right[frame]!.readInt16LE(i * 2), i * 4 + 2);
      }
      const decoded = stereo.decode(stereo.encode(pcm));
      expect(decoded?.length).toBe(pcm.length);
      const channels = [Buffer.alloc(FRAME_SAMPLES * 2), Buffer.alloc(FRAME_SAMPLES * 2)];
      for (let i = 0; i < FRAME_SAMPLES; i += 1) {
        channels[0]!.writeInt16LE(decoded!.readInt16LE(i * 4), i * 2);
        channels[1]!.writeInt16LE(decoded!.readInt16LE(i * 4 + 2), i * 2);
      }
      heard[0]!.push(channels[0]!);
      heard[1]!.push(channels[1]!);
    }
    expect(Math.abs(frequencyOf(heard[0]!.slice(4)) - 300)).toBeLessThan(15);
    expect(Math.abs(frequencyOf(heard[1]!.slice(4)) - 700)).toBeLessThan(15);
    expect(() => stereo.encode(Buffer.alloc(FRAME_SAMPLES * 2))).toThrow(/a frame is 1920 bytes/);
    expect(() => new OpusCodec({ complexity: 42 })).toThrow(/refused/);
    for (const codec of [...calls, stereo]) codec.dispose();
  });

  it('rejects a frame of the wrong size with a clear error, and a corrupt packet with null', () => {
    const codec = new OpusCodec();
    expect(() => codec.encode(Buffer.alloc(100))).toThrow(/a frame is 960 bytes/);
    expect(codec.decode(Buffer.alloc(5000))).toBeNull();
    codec.dispose();
    expect(codec.decode(Buffer.from([1, 2, 3]))).toBeNull();
  });
});
