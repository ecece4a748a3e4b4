import { bytesPerSampleOf, sampleRateOf } from './audio-format.js';
import type { AudioFormat } from './session-config.js';

/** Audio taken out of the buffer by a commit. */
export interface CommittedAudio {
  audio: Buffer[];
  byteLength: number;
  ms: number;
}

/**
 * The input audio buffer and the session-wide input timeline. Positions are samples since the
 * format was last set (`baseMs` carries the time before that), so `audio_start_ms` and
 * `audio_end_ms` keep counting across commits, clears and format changes.
 */
export class InputAudioBuffer {
  private chunks: Buffer[] = [];
  private byteCount = 0;
  /** Timeline sample where the buffer's first byte sits. */
  private startSample = 0;
  /** Samples appended since the format was set. */
  private appendedSamples = 0;
  private baseMs = 0;
  private format: AudioFormat;
  private rate: number;
  private bytesPerSample: number;

  constructor(format: AudioFormat) {
    this.format = format;
    this.rate = sampleRateOf(format);
    this.bytesPerSample = bytesPerSampleOf(format);
  }

  /** Switches the input format: the buffer empties and the timeline continues in the new rate. */
  setFormat(format: AudioFormat): void {
    if (format.type === this.format.type) return;
    this.baseMs = this.sampleToMs(this.appendedSamples);
    this.format = format;
    this.rate = sampleRateOf(format);
    this.bytesPerSample = bytesPerSampleOf(format);
    this.appendedSamples = 0;
    this.chunks = [];
    this.byteCount = 0;
    this.startSample = 0;
  }

  get sampleRate(): number {
    return this.rate;
  }

  /** The timeline position (samples) where the next appended sample lands. */
  get endSample(): number {
    return this.appendedSamples;
  }

  /** The timeline position (samples) of the buffer's first sample. */
  get bufferStartSample(): number {
    return this.startSample;
  }

  /** Milliseconds of audio in the buffer. */
  get bufferedMs(): number {
    return (this.byteCount / this.bytesPerSample / this.rate) * 1000;
  }

  /** A timeline position in milliseconds since the session started. */
  sampleToMs(sample: number): number {
    return this.baseMs + (sample / this.rate) * 1000;
  }

  /** Appends audio; returns the timeline sample where it starts. */
  append(bytes: Buffer): number {
    const start = this.appendedSamples;
    if (bytes.length === 0) return start;
    this.chunks.push(bytes);
    this.byteCount += bytes.length;
    this.appendedSamples += bytes.length / this.bytesPerSample;
    return start;
  }

  /**
   * Takes the buffered audio up to timeline sample `untilSample` (all of it when omitted); the
   * rest stays buffered.
   */
  take(untilSample?: number): CommittedAudio {
    const keepFrom =
      untilSample === undefined
        ? this.appendedSamples
        : Math.min(this.appendedSamples, Math.max(this.startSample, untilSample));
    let takeBytes = (keepFrom - this.startSample) * this.bytesPerSample;
    const taken: Buffer[] = [];
    let byteLength = 0;
    while (takeBytes > 0 && this.chunks.length > 0) {
      const chunk = this.chunks[0]!;
      if (chunk.length <= takeBytes) {
        taken.push(chunk);
        this.chunks.shift();
        takeBytes -= chunk.length;
        byteLength += chunk.length;
      } else {
        taken.push(chunk.subarray(0, takeBytes));
        this.chunks[0] = chunk.subarray(takeBytes);
        byteLength += takeBytes;
        takeBytes = 0;
      }
    }
    this.byteCount -= byteLength;
    this.startSample = keepFrom;
    return { audio: taken, byteLength, ms: (byteLength / this.bytesPerSample / this.rate) * 1000 };
  }

  /** Empties the buffer (the timeline keeps counting). */
  clear(): void {
    this.chunks = [];
    this.byteCount = 0;
    this.startSample = this.appendedSamples;
  }

  /**
   * Drops audio older than `keepMs` before the end, whole chunks at a time. VAD uses this while
   * nobody speaks: only the prefix padding can end up in the next item, so memory stays flat.
   */
  trimOlderThan(keepMs: number): void {
    const keepBytes = Math.ceil((keepMs / 1000) * this.rate) * this.bytesPerSample;
    while (this.chunks.length > 1 && this.byteCount - this.chunks[0]!.length >= keepBytes) {
      const dropped = this.chunks.shift()!;
      this.byteCount -= dropped.length;
      this.startSample += dropped.length / this.bytesPerSample;
    }
  }

  /** Drops the oldest audio beyond `maxMs` (manual turns that never commit). */
  bound(maxMs: number): void {
    if (this.bufferedMs > maxMs) this.trimOlderThan(maxMs);
  }
}
