import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpusCodec } from '@parley/emulator/opus';
import { ALL_FORMATS, BufferSource, EncodedPacketSink, Input } from 'mediabunny';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OggOpusWriter } from './ogg-opus-writer.js';
import { FRAME_SAMPLES, SAMPLE_RATE } from './pcm-timeline.js';

const FRAMES = 12;
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'parley-ogg-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** One 20 ms frame of a tone, continuing from frame `index`. */
function toneFrame(frequency: number, index: number): Int16Array {
  const samples = new Int16Array(FRAME_SAMPLES);
  for (let i = 0; i < FRAME_SAMPLES; i += 1) {
    const t = (index * FRAME_SAMPLES + i) / SAMPLE_RATE;
    samples[i] = Math.round(9000 * Math.sin(2 * Math.PI * frequency * t));
  }
  return samples;
}

/** Each channel's pitch in a finished file, from its zero crossings after the codec's look-ahead. */
async function pitches(path: string): Promise<[number, number]> {
  const input = new Input({ source: new BufferSource(await readFile(path)), formats: ALL_FORMATS });
  const track = await input.getPrimaryAudioTrack();
  if (!track) throw new Error('no audio track');
  const decoder = new OpusCodec({ channels: 2 });
  const crossings = [0, 0];
  const previous = [0, 0];
  let samples = 0;
  let packets = 0;
  for await (const packet of new EncodedPacketSink(track).packets()) {
    const pcm = decoder.decode(Buffer.from(packet.data));
    if (pcm === null) throw new Error('a packet did not decode');
    if (++packets <= 4) continue;
    for (let i = 0; i + 3 < pcm.length; i += 4, samples += 1) {
      for (const channel of [0, 1]) {
        const value = pcm.readInt16LE(i + channel * 2);
        if (samples > 0 && value < 0 !== previous[channel]! < 0) crossings[channel]! += 1;
        previous[channel] = value;
      }
    }
  }
  decoder.dispose();
  const seconds = samples / SAMPLE_RATE;
  return [crossings[0]! / 2 / seconds, crossings[1]! / 2 / seconds];
}

describe('OggOpusWriter', () => {
  it('keeps 100 recordings written at once apart, each channel at its own pitch', async () => {
    const writers = Array.from({ length: 100 }, (_, index) => ({
      path: join(dir, `r${index}.ogg`),
      left: 300 + (index % 10) * 40,
      right: 900 + (index % 10) * 40,
    }));
    const open = writers.map(({ path }) => new OggOpusWriter(path));
    for (let frame = 0; frame < FRAMES; frame += 1) {
      await Promise.all(
        writers.map(({ left, right }, index) => {
          const l = toneFrame(left, frame);
          const r = toneFrame(right, frame);
          const interleaved = new Int16Array(FRAME_SAMPLES * 2);
          for (let i = 0; i < FRAME_SAMPLES; i += 1) {
            interleaved[i * 2] = l[i]!;
            interleaved[i * 2 + 1] = r[i]!;
          }
          return open[index]!.frame(interleaved, l, r);
        }),
      );
    }
    const written = await Promise.all(open.map((writer) => writer.finish()));
    expect(written.map((audio) => audio.durationMs)).toEqual(writers.map(() => FRAMES * 20));
    for (const { path, left, right } of writers) {
      const [heardLeft, heardRight] = await pitches(path);
      expect(Math.abs(heardLeft - left), `${path} left`).toBeLessThan(15);
      expect(Math.abs(heardRight - right), `${path} right`).toBeLessThan(15);
    }
  });
});
