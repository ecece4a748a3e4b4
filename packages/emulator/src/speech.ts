import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** Output sample rate of Realtime PCM16 audio. */
export const OUTPUT_SAMPLE_RATE = 24000;

/** Synthesized speech: 24 kHz PCM16 samples and where each transcript piece starts. */
export interface SpeechClip {
  samples: Int16Array;
  /** Contiguous slices of the text (they concatenate to it) with the sample where each is spoken. */
  pieces: Array<{ text: string; startSample: number }>;
  /** Which engine made it. */
  engine: 'espeak-ng' | 'generated';
}

/** Turns reply text into speech audio. */
export interface SpeechSynthesizer {
  /** Which engine is in use (`espeak-ng` when its WebAssembly build is installed). */
  readonly engine: 'espeak-ng' | 'generated';
  synthesize(text: string, voice: string, speed: number): Promise<SpeechClip>;
  close(): Promise<void>;
}

const MALE_VOICES = new Set(['ash', 'ballad', 'echo', 'verse', 'cedar']);

/** espeak-ng voice variants standing in for the Realtime voices, so each sounds different. */
const ESPEAK_VOICES: Record<string, string> = {
  alloy: 'en-us+f3',
  ash: 'en-us+m3',
  ballad: 'en-us+m5',
  coral: 'en-us+f5',
  echo: 'en-us+m1',
  sage: 'en-us+f4',
  shimmer: 'en-us+f2',
  verse: 'en-us+m2',
  marin: 'en-us+f1',
  cedar: 'en-us+m4',
};

/** Splits text into contiguous pieces at word starts (whitespace stays with the previous word). */
export function splitWords(text: string): string[] {
  const pieces = text.match(/\S+\s*/g) ?? [];
  const lead = text.match(/^\s*/)?.[0] ?? '';
  if (pieces.length === 0) return text ? [text] : [];
  pieces[0] = lead + pieces[0]!;
  return pieces;
}

/**
 * A voice-like signal when no speech engine is installed: per syllable, a glottal pulse train
 * (120 or 210 Hz with slight vibrato) through three vowel formants under a smooth envelope,
 * with short pauses between words. It has the spectrum and rhythm of speech, so VAD, level
 * meters and playback behave as with real speech.
 */
export function generateVoiceLikeSpeech(text: string, voice: string, speed = 1): SpeechClip {
  const words = splitWords(text);
  const rate = OUTPUT_SAMPLE_RATE;
  const f0Base = MALE_VOICES.has(voice) ? 120 : 210;
  const formants: Array<[number, number, number]> = [
    [730, 1090, 2440],
    [270, 2290, 3010],
    [530, 1840, 2480],
    [570, 840, 2410],
    [440, 1020, 2240],
  ];
  const chunks: Int16Array[] = [];
  const pieces: SpeechClip['pieces'] = [];
  let total = 0;
  let seed = 0;
  for (const ch of text) seed = (seed * 31 + ch.codePointAt(0)!) >>> 0;
  for (const word of words) {
    pieces.push({ text: word, startSample: total });
    const letters = word.replace(/[^\p{L}\p{N}]/gu, '').length;
    const syllables = Math.max(1, Math.round(letters / 3));
    for (let s = 0; s < syllables; s++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      const [f1, f2, f3] = formants[seed % formants.length]!;
      const length = Math.round((rate * 0.16) / speed);
      const out = new Int16Array(length);
      let phase = 0;
      const states = [0, 0, 0, 0, 0, 0];
      for (let i = 0; i < length; i++) {
        const t = i / rate;
        const f0 = f0Base * (1 + 0.03 * Math.sin(2 * Math.PI * 5 * t)) * (1 - 0.1 * (i / length));
        phase += f0 / rate;
        let excitation = 0;
        if (phase >= 1) {
          phase -= 1;
          excitation = 1;
        }
        let sample = 0;
        [f1, f2, f3].forEach((freq, k) => {
          // Two-pole resonator per formant.
          const r = Math.exp((-Math.PI * 90) / rate);
          const c = 2 * r * Math.cos((2 * Math.PI * freq) / rate);
          const y = excitation + c * states[k * 2]! - r * r * states[k * 2 + 1]!;
          states[k * 2 + 1] = states[k * 2]!;
          states[k * 2] = y;
          sample += y / (k + 1);
        });
        const envelope = Math.sin((Math.PI * i) / length);
        out[i] = Math.max(-32767, Math.min(32767, Math.round(sample * envelope * 1800)));
      }
      chunks.push(out);
      total += length;
    }
    const gap = new Int16Array(Math.round((rate * (/[.!?]\s*$/.test(word) ? 0.25 : 0.06)) / speed));
    chunks.push(gap);
    total += gap.length;
  }
  const samples = new Int16Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    samples.set(chunk, offset);
    offset += chunk.length;
  }
  return { samples, pieces, engine: 'generated' };
}

/** Resamples 16-bit audio with linear interpolation (speech band only, so this is enough). */
export function resampleLinear(
  input: Int16Array,
  inputRate: number,
  outputRate: number,
): Int16Array {
  if (inputRate === outputRate) return input;
  const length = Math.floor((input.length * outputRate) / inputRate);
  const out = new Int16Array(length);
  const step = inputRate / outputRate;
  for (let i = 0; i < length; i++) {
    const position = i * step;
    const index = Math.floor(position);
    const frac = position - index;
    const a = input[index] ?? 0;
    const b = input[index + 1] ?? a;
    out[i] = Math.round(a + (b - a) * frac);
  }
  return out;
}

// The worker is plain CommonJS evaluated from a string, so it runs the same from the TypeScript
// sources (tests) and from dist, and the GPL engine stays in its own optional package.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { pathToFileURL } = require('node:url');
(async () => {
  const mod = await import(pathToFileURL(workerData.modulePath).href);
  const runtime = await mod.default();
  const engine = new runtime.eSpeakNGWorker();
  const sampleRate = engine.get_samplerate();
  parentPort.on('message', (job) => {
    try {
      if (engine.set_voice(job.voice) !== 0) engine.set_voice('en-us');
      engine.set_rate(job.rate);
      if (job.pitch !== null) engine.set_pitch(job.pitch);
      const chunks = [];
      const words = [];
      let total = 0;
      engine.synthesize(job.text, (samples, events) => {
        if (samples && samples.length) { chunks.push(samples); total += samples.length; }
        for (const e of events) if (e.type === 'word') words.push(e.text_position, e.audio_position);
        return false;
      });
      const samples = new Int16Array(total);
      let offset = 0;
      for (const c of chunks) { samples.set(c, offset); offset += c.length; }
      parentPort.postMessage({ id: job.id, samples, words, sampleRate }, [samples.buffer]);
    } catch (error) {
      parentPort.postMessage({ id: job.id, error: String(error && error.message || error) });
    }
  });
  parentPort.postMessage({ ready: true, sampleRate });
})().catch((error) => parentPort.postMessage({ fatal: String(error && error.message || error) }));
`;

interface WorkerReply {
  id?: number;
  ready?: boolean;
  fatal?: string;
  error?: string;
  samples?: Int16Array;
  words?: number[];
  sampleRate?: number;
}

/** Where the optional espeak-ng WebAssembly build is installed, or null. */
export function findEspeakModule(): string | null {
  try {
    return createRequire(import.meta.url).resolve('@echogarden/espeak-ng-emscripten');
  } catch {
    return null;
  }
}

/** Maps the espeak word events (1-based code point positions, ms) to contiguous text pieces. */
export function piecesFromWordEvents(
  text: string,
  words: number[],
  sampleRate: number,
): SpeechClip['pieces'] {
  const codePoints = [...text];
  const starts: Array<{ index: number; sample: number }> = [];
  for (let i = 0; i + 1 < words.length; i += 2) {
    const index = Math.min(codePoints.length, Math.max(0, words[i]! - 1));
    const sample = Math.round((words[i + 1]! * sampleRate) / 1000);
    const last = starts[starts.length - 1];
    if (last && index <= last.index) continue;
    starts.push({ index, sample: last ? Math.max(last.sample, sample) : sample });
  }
  if (starts.length === 0 || starts[0]!.index > 0) starts.unshift({ index: 0, sample: 0 });
  else starts[0] = { index: 0, sample: 0 };
  const pieces: SpeechClip['pieces'] = [];
  for (let k = 0; k < starts.length; k++) {
    const end = k + 1 < starts.length ? starts[k + 1]!.index : codePoints.length;
    const piece = codePoints.slice(starts[k]!.index, end).join('');
    if (piece) pieces.push({ text: piece, startSample: starts[k]!.sample });
  }
  return pieces;
}

class EspeakSynthesizer implements SpeechSynthesizer {
  readonly engine = 'espeak-ng' as const;
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void }
  >();
  private nextId = 1;
  private readonly ready: Promise<void>;

  constructor(modulePath: string) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { modulePath } });
    this.worker.unref();
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (reply: WorkerReply) => {
        if (reply.ready) resolve();
        else if (reply.fatal) reject(new Error(reply.fatal));
        else if (reply.id !== undefined) {
          const waiter = this.pending.get(reply.id);
          this.pending.delete(reply.id);
          if (reply.error) waiter?.reject(new Error(reply.error));
          else waiter?.resolve(reply);
        }
      });
      this.worker.on('error', (error) => {
        reject(error);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
      });
    });
    this.ready.catch(() => undefined);
  }

  /** Resolves once the engine loaded (rejects when it cannot). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  async synthesize(text: string, voice: string, speed: number): Promise<SpeechClip> {
    await this.ready;
    const id = this.nextId++;
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.ref();
      this.worker.postMessage({
        id,
        text,
        voice: ESPEAK_VOICES[voice] ?? 'en-us',
        rate: Math.round(175 * Math.min(1.5, Math.max(0.25, speed))),
        // Known voices get their own espeak variant (pitch included); others a male or female pitch.
        pitch: ESPEAK_VOICES[voice] ? null : MALE_VOICES.has(voice) ? 35 : 65,
      });
    }).finally(() => {
      if (this.pending.size === 0) this.worker.unref();
    });
    const sourceRate = reply.sampleRate ?? 22050;
    const samples = resampleLinear(
      reply.samples ?? new Int16Array(0),
      sourceRate,
      OUTPUT_SAMPLE_RATE,
    );
    return {
      samples,
      pieces: piecesFromWordEvents(text, reply.words ?? [], OUTPUT_SAMPLE_RATE),
      engine: 'espeak-ng',
    };
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

class GeneratedSynthesizer implements SpeechSynthesizer {
  readonly engine = 'generated' as const;
  synthesize(text: string, voice: string, speed: number): Promise<SpeechClip> {
    return Promise.resolve(generateVoiceLikeSpeech(text, voice, speed));
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/** Caches clips by voice, speed and text so repeated replies cost nothing. */
class CachingSynthesizer implements SpeechSynthesizer {
  private readonly cache = new Map<string, Promise<SpeechClip>>();
  constructor(
    private readonly inner: SpeechSynthesizer,
    private readonly capacity: number,
  ) {}
  get engine() {
    return this.inner.engine;
  }
  synthesize(text: string, voice: string, speed: number): Promise<SpeechClip> {
    const key = `${voice}\u0000${speed}\u0000${text}`;
    const hit = this.cache.get(key);
    if (hit) {
      this.cache.delete(key);
      this.cache.set(key, hit);
      return hit;
    }
    const clip = this.inner.synthesize(text, voice, speed).catch((error: unknown) => {
      this.cache.delete(key);
      throw error;
    });
    this.cache.set(key, clip);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return clip;
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Which speech engine to use: the espeak-ng WebAssembly build when installed, or the generated signal. */
export type SpeechEngine = 'auto' | 'espeak-ng' | 'generated';

/**
 * Creates the synthesizer: espeak-ng (GPL, an optional dependency, run in a worker thread so
 * synthesis never blocks the event loop) when available, else a generated voice-like signal.
 * `espeak-ng` fails if the package is missing; `auto` falls back quietly.
 */
export async function createSpeechSynthesizer(
  engine: SpeechEngine = 'auto',
): Promise<SpeechSynthesizer> {
  if (engine !== 'generated') {
    const modulePath = findEspeakModule();
    if (modulePath) {
      const synthesizer = new EspeakSynthesizer(modulePath);
      try {
        await synthesizer.whenReady();
        return new CachingSynthesizer(synthesizer, 64);
      } catch (error) {
        await synthesizer.close();
        if (engine === 'espeak-ng') throw error;
      }
    } else if (engine === 'espeak-ng') {
      throw new Error(
        'The espeak-ng engine needs the optional package @echogarden/espeak-ng-emscripten.',
      );
    }
  }
  return new CachingSynthesizer(new GeneratedSynthesizer(), 64);
}
