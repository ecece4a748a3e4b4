// Test audio: WAV files made with espeak-ng and sox in a temp dir, and a small WAV reader.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Mono PCM16 samples and their rate. */
export interface Pcm {
  sampleRate: number;
  samples: Int16Array;
}

/** Reads a PCM16 WAV (first channel). */
export function readWav(path: string): Pcm {
  const bytes = readFileSync(path);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.toString('ascii', 0, 4) !== 'RIFF' || bytes.toString('ascii', 8, 12) !== 'WAVE') {
    throw new Error(`${path} is not a WAV file`);
  }
  let offset = 12;
  let sampleRate = 0;
  let channels = 1;
  while (offset + 8 <= bytes.length) {
    const id = bytes.toString('ascii', offset, offset + 4);
    const size = view.getUint32(offset + 4, true);
    if (id === 'fmt ') {
      channels = view.getUint16(offset + 10, true);
      sampleRate = view.getUint32(offset + 12, true);
      if (view.getUint16(offset + 22, true) !== 16) throw new Error(`${path} is not 16-bit`);
    } else if (id === 'data') {
      const frames = Math.floor(size / 2 / channels);
      const samples = new Int16Array(frames);
      for (let index = 0; index < frames; index++) {
        samples[index] = view.getInt16(offset + 8 + index * 2 * channels, true);
      }
      return { sampleRate, samples };
    }
    offset += 8 + size + (size % 2);
  }
  throw new Error(`${path} has no data chunk`);
}

/** Layout of the capture fixture, in seconds. */
export const FIXTURE = {
  leadingSilence: 0.6,
  sineSeconds: 2,
  gapSeconds: 1,
  trailingSilence: 0.6,
  sineFrequency: 1000,
  sineAmplitude: 0.5,
} as const;

/**
 * Writes `capture.wav` (48 kHz mono PCM16): silence, a 2 s 1 kHz sine at half scale, 1 s of
 * silence, an espeak-ng sentence, silence. Returns its path and the directory to remove.
 */
export function makeCaptureFixture(): { path: string; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'parley-audio-'));
  const file = (name: string) => join(dir, name);
  const run = (command: string, args: string[]) => execFileSync(command, args, { stdio: 'pipe' });
  run('espeak-ng', [
    '-w',
    file('speech-raw.wav'),
    'Parley hears every word you say and answers at once',
  ]);
  const pcm = ['-r', '48000', '-c', '1', '-b', '16', '-e', 'signed-integer'];
  run('sox', [file('speech-raw.wav'), ...pcm, file('speech.wav'), 'gain', '-n', '-3']);
  run('sox', [
    '-n',
    ...pcm,
    file('sine.wav'),
    'synth',
    String(FIXTURE.sineSeconds),
    'sine',
    String(FIXTURE.sineFrequency),
    'vol',
    String(FIXTURE.sineAmplitude),
  ]);
  const silence = (name: string, seconds: number) =>
    run('sox', ['-n', ...pcm, file(name), 'trim', '0', String(seconds)]);
  silence('lead.wav', FIXTURE.leadingSilence);
  silence('gap.wav', FIXTURE.gapSeconds);
  silence('tail.wav', FIXTURE.trailingSilence);
  run('sox', [
    file('lead.wav'),
    file('sine.wav'),
    file('gap.wav'),
    file('speech.wav'),
    file('tail.wav'),
    file('capture.wav'),
  ]);
  return {
    path: file('capture.wav'),
    dir,
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Half-open spans [start, end) of sample indices louder than `threshold`, merging gaps shorter than `minGap`. */
export function loudSpans(
  samples: ArrayLike<number>,
  threshold: number,
  minGap: number,
): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (let index = 0; index < samples.length; index++) {
    if (Math.abs(samples[index]!) <= threshold) continue;
    const previous = spans.at(-1);
    if (previous && index - previous.end < minGap) previous.end = index + 1;
    else spans.push({ start: index, end: index + 1 });
  }
  return spans;
}
