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
  /**
   * Starts loading the engine in the background if it is not loaded yet (engines load on first
   * use, so an idle emulator stays small); synthesis waits for the load by itself.
   */
  prepare?(): void;
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
      // Two-pole resonator per formant; the coefficients are constant for the syllable.
      const r = Math.exp((-Math.PI * 90) / rate);
      const rr = r * r;
      const c1 = 2 * r * Math.cos((2 * Math.PI * f1) / rate);
      const c2 = 2 * r * Math.cos((2 * Math.PI * f2) / rate);
      const c3 = 2 * r * Math.cos((2 * Math.PI * f3) / rate);
      let a1 = 0;
      let b1 = 0;
      let a2 = 0;
      let b2 = 0;
      let a3 = 0;
      let b3 = 0;
      for (let i = 0; i < length; i++) {
        const t = i / rate;
        const f0 = f0Base * (1 + 0.03 * Math.sin(2 * Math.PI * 5 * t)) * (1 - 0.1 * (i / length));
        phase += f0 / rate;
        let excitation = 0;
        if (phase >= 1) {
          phase -= 1;
          excitation = 1;
        }
        const y1 = excitation + c1 * a1 - rr * b1;
        b1 = a1;
        a1 = y1;
        const y2 = excitation + c2 * a2 - rr * b2;
        b2 = a2;
        a2 = y2;
        const y3 = excitation + c3 * a3 - rr * b3;
        b3 = a3;
        a3 = y3;
        let sample = 0;
        sample += y1 / 1;
        sample += y2 / 2;
        sample += y3 / 3;
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

/**
 * espeak-ng in a worker thread, started on first use: the WebAssembly engine and its voice data
 * cost about 50 MB of memory, which an emulator that never speaks (or has not spoken yet) should
 * not pay. A load that fails is retried on the next use.
 */
class EspeakSynthesizer implements SpeechSynthesizer {
  readonly engine = 'espeak-ng' as const;
  private worker: Worker | null = null;
  private readonly pending = new Map<
    number,
    { resolve: (reply: WorkerReply) => void; reject: (error: Error) => void }
  >();
  private nextId = 1;
  private ready: Promise<Worker> | null = null;
  private closed = false;

  constructor(private readonly modulePath: string) {}

  prepare(): void {
    this.load().catch(() => undefined);
  }

  /** Starts the worker (once) and resolves when the engine has loaded; rejects when it cannot. */
  load(): Promise<Worker> {
    if (this.closed) return Promise.reject(new Error('the speech engine was closed'));
    this.ready ??= this.startWorker();
    return this.ready;
  }

  private startWorker(): Promise<Worker> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { modulePath: this.modulePath },
    });
    this.worker = worker;
    const ready = new Promise<Worker>((resolve, reject) => {
      const fail = (error: Error) => {
        reject(error);
        for (const waiter of this.pending.values()) waiter.reject(error);
        this.pending.clear();
        if (this.worker === worker) {
          this.worker = null;
          this.ready = null;
          void worker.terminate();
        }
      };
      worker.on('message', (reply: WorkerReply) => {
        if (reply.ready) resolve(worker);
        else if (reply.fatal) fail(new Error(reply.fatal));
        else if (reply.id !== undefined) {
          const waiter = this.pending.get(reply.id);
          this.pending.delete(reply.id);
          if (this.pending.size === 0) worker.unref();
          if (reply.error) waiter?.reject(new Error(reply.error));
          else waiter?.resolve(reply);
        }
      });
      worker.on('error', fail);
    });
    // Loading keeps the process alive only while something waits for it.
    worker.unref();
    return ready;
  }

  async synthesize(text: string, voice: string, speed: number): Promise<SpeechClip> {
    const worker = await this.load();
    const id = this.nextId++;
    const reply = await new Promise<WorkerReply>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({
        id,
        text,
        voice: ESPEAK_VOICES[voice] ?? 'en-us',
        rate: Math.round(175 * Math.min(1.5, Math.max(0.25, speed))),
        // Known voices get their own espeak variant (pitch included); others a male or female pitch.
        pitch: ESPEAK_VOICES[voice] ? null : MALE_VOICES.has(voice) ? 35 : 65,
      });
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
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    this.ready = null;
    if (worker) await worker.terminate();
  }
}

class GeneratedSynthesizer implements SpeechSynthesizer {
  readonly engine = 'generated' as const;
  synthesize(text: string, voice: string, speed: number): Promise<SpeechClip> {
    return Promise.resolve(generateVoiceLikeSpeech(text, voice, speed));
  }
  prepare(): void {}
  close(): Promise<void> {
    return Promise.resolve();
  }
}

/**
 * `auto` with espeak-ng installed: espeak-ng, loaded on first use; if it cannot load, the
 * generated voice from then on (the engine reported changes to `generated`).
 */
class FallbackSynthesizer implements SpeechSynthesizer {
  private failed = false;
  private readonly fallback = new GeneratedSynthesizer();
  constructor(private readonly primary: EspeakSynthesizer) {}
  get engine(): 'espeak-ng' | 'generated' {
    return this.failed ? 'generated' : 'espeak-ng';
  }
  prepare(): void {
    if (!this.failed) this.primary.load().catch(() => this.giveUp());
  }
  async synthesize(text: string, voice: string, speed: number): Promise<SpeechClip> {
    if (!this.failed) {
      try {
        await this.primary.load();
      } catch {
        this.giveUp();
      }
    }
    if (this.failed) return this.fallback.synthesize(text, voice, speed);
    return this.primary.synthesize(text, voice, speed);
  }
  private giveUp(): void {
    if (this.failed) return;
    this.failed = true;
    void this.primary.close();
  }
  close(): Promise<void> {
    return this.primary.close();
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
  prepare(): void {
    this.inner.prepare?.();
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
 * The espeak-ng engine is loaded on first use ({@link SpeechSynthesizer.prepare} or the first
 * synthesis), not here: an idle emulator does not carry it. `espeak-ng` fails here if the package
 * is missing (and a synthesis fails if it cannot load); `auto` falls back to the generated voice
 * quietly in both cases.
 */
export function createSpeechSynthesizer(engine: SpeechEngine = 'auto'): Promise<SpeechSynthesizer> {
  if (engine !== 'generated') {
    const modulePath = findEspeakModule();
    if (modulePath) {
      const espeak = new EspeakSynthesizer(modulePath);
      return Promise.resolve(
        new CachingSynthesizer(
          engine === 'espeak-ng' ? espeak : new FallbackSynthesizer(espeak),
          64,
        ),
      );
    }
    if (engine === 'espeak-ng') {
      return Promise.reject(
        new Error(
          'The espeak-ng engine needs the optional package @echogarden/espeak-ng-emscripten.',
        ),
      );
    }
  }
  return Promise.resolve(new CachingSynthesizer(new GeneratedSynthesizer(), 64));
}
