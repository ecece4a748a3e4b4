// Builds the WAV that Chromium's fake microphone plays in the end-to-end test and the latency
// benchmark: utterances spoken by espeak-ng, separated by silences of known length, so the test
// knows to the millisecond where each utterance ends in the microphone signal.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Sample rate of the generated file (a rate every audio stack handles natively). */
export const WAV_SAMPLE_RATE = 48000;

/** Reads the PCM16 mono samples of a canonical WAV file (data chunk found by scanning chunks). */
export function readWavSamples(buffer) {
  if (buffer.toString('ascii', 0, 4) !== 'RIFF' || buffer.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error('not a WAV file');
  }
  let offset = 12;
  let sampleRate = 0;
  while (offset + 8 <= buffer.length) {
    const id = buffer.toString('ascii', offset, offset + 4);
    const size = buffer.readUInt32LE(offset + 4);
    if (id === 'fmt ') sampleRate = buffer.readUInt32LE(offset + 12);
    if (id === 'data') {
      const end = Math.min(buffer.length, offset + 8 + size);
      const samples = new Int16Array((end - offset - 8) >> 1);
      for (let i = 0; i < samples.length; i += 1)
        samples[i] = buffer.readInt16LE(offset + 8 + i * 2);
      return { sampleRate, samples };
    }
    offset += 8 + size + (size & 1);
  }
  throw new Error('WAV file has no data chunk');
}

/** Encodes PCM16 mono samples as a WAV file. */
export function encodeWav(samples, sampleRate) {
  const buffer = Buffer.alloc(44 + samples.length * 2);
  buffer.write('RIFF', 0, 'ascii');
  buffer.writeUInt32LE(36 + samples.length * 2, 4);
  buffer.write('WAVE', 8, 'ascii');
  buffer.write('fmt ', 12, 'ascii');
  buffer.writeUInt32LE(16, 16);
  buffer.writeUInt16LE(1, 20);
  buffer.writeUInt16LE(1, 22);
  buffer.writeUInt32LE(sampleRate, 24);
  buffer.writeUInt32LE(sampleRate * 2, 28);
  buffer.writeUInt16LE(2, 32);
  buffer.writeUInt16LE(16, 34);
  buffer.write('data', 36, 'ascii');
  buffer.writeUInt32LE(samples.length * 2, 40);
  for (let i = 0; i < samples.length; i += 1) buffer.writeInt16LE(samples[i], 44 + i * 2);
  return buffer;
}

/** Index of the first and last sample louder than `threshold` (PCM16 units). */
function speechBounds(samples, threshold = 600) {
  let first = -1;
  let last = -1;
  for (let i = 0; i < samples.length; i += 1) {
    if (Math.abs(samples[i]) > threshold) {
      if (first < 0) first = i;
      last = i;
    }
  }
  return first < 0 ? null : { first, last };
}

/** One utterance, trimmed to its audible part, at {@link WAV_SAMPLE_RATE}. */
function speak(text, dir, index, { wordsPerMinute = 165, amplitude = 120 } = {}) {
  const raw = join(dir, `utterance-${index}.wav`);
  const resampled = join(dir, `utterance-${index}-48k.wav`);
  execFileSync('espeak-ng', [
    '-v',
    'en-us',
    '-s',
    String(wordsPerMinute),
    '-a',
    String(amplitude),
    '-w',
    raw,
    text,
  ]);
  execFileSync('sox', [
    '-V1',
    raw,
    '-r',
    String(WAV_SAMPLE_RATE),
    '-b',
    '16',
    '-c',
    '1',
    resampled,
  ]);
  const { samples } = readWavSamples(readFileSync(resampled));
  const bounds = speechBounds(samples);
  if (!bounds) throw new Error(`espeak-ng produced silence for "${text}"`);
  return samples.subarray(bounds.first, bounds.last + 1);
}

/**
 * Writes a WAV of `segments` in order: `{ silenceMs }` adds silence, `{ say }` an utterance.
 * Returns its path and where each utterance starts and ends, in ms from the start of the file.
 *
 * @param {Array<{ silenceMs: number } | { say: string }>} segments
 * @param {{ dir?: string }} [options]
 */
export function makeSpeechWav(segments, options = {}) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'parley-speech-'));
  const parts = [];
  const utterances = [];
  let length = 0;
  segments.forEach((segment, index) => {
    if ('silenceMs' in segment) {
      const samples = new Int16Array(Math.round((segment.silenceMs * WAV_SAMPLE_RATE) / 1000));
      parts.push(samples);
      length += samples.length;
      return;
    }
    const samples = speak(segment.say, dir, index);
    utterances.push({
      text: segment.say,
      startMs: (length * 1000) / WAV_SAMPLE_RATE,
      endMs: ((length + samples.length) * 1000) / WAV_SAMPLE_RATE,
    });
    parts.push(samples);
    length += samples.length;
  });
  const all = new Int16Array(length);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  const path = join(dir, 'microphone.wav');
  writeFileSync(path, encodeWav(all, WAV_SAMPLE_RATE));
  return { path, dir, durationMs: (length * 1000) / WAV_SAMPLE_RATE, utterances };
}
