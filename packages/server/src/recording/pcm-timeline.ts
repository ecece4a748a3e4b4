/**
 * The two channels of a recording on one clock: the visitor's audio (left) placed where the relay
 * received it, the agent's (right) where the relay sent it, both 24 kHz PCM16 (the Realtime
 * format). Each channel keeps only the samples not yet encoded, from the encoder's position on,
 * so memory stays bounded by how far audio runs ahead of the encoder (the agent's reply arrives
 * faster than it plays), never by the conversation's length.
 */

/** The Realtime API's PCM rate. */
export const SAMPLE_RATE = 24000;
/** One Opus frame: 20 ms. */
export const FRAME_SAMPLES = 480;
/** Samples per millisecond. */
export const SAMPLES_PER_MS = SAMPLE_RATE / 1000;

/**
 * Audio that lands within this of where the channel's previous chunk ended is placed right after
 * it: network jitter and bursts must not cut gaps into speech. Later than that is a real pause.
 */
const CONTIGUOUS_SAMPLES = 300 * SAMPLES_PER_MS;

/** One channel's samples not yet encoded. */
export class ChannelWindow {
  private buffer = new Int16Array(SAMPLE_RATE);
  /** Absolute sample index of `buffer[0]` (everything before it is encoded). */
  private base = 0;
  /** Samples written past `base`. */
  private used = 0;
  /** Where the next contiguous chunk goes (absolute), or null before the first. */
  private cursor: number | null = null;
  /** Samples refused: too late (already encoded) or too far ahead (over the cap). */
  dropped = 0;

  constructor(private readonly maxAheadSamples: number) {}

  /** End of the written audio (absolute sample index). */
  get end(): number {
    return this.base + this.used;
  }

  /**
   * Writes `samples` received at absolute position `at`: right after the previous chunk if it is
   * no more than a jitter away, else at `at`. Returns where the chunk starts.
   */
  write(samples: Int16Array, at: number): number {
    const start = this.cursor !== null && at <= this.cursor + CONTIGUOUS_SAMPLES ? this.cursor : at;
    this.cursor = start + samples.length;
    let from = 0;
    let offset = start - this.base;
    if (offset < 0) {
      from = Math.min(samples.length, -offset);
      this.dropped += from;
      offset = 0;
    }
    const room = this.maxAheadSamples - offset;
    const count = Math.max(0, Math.min(samples.length - from, room));
    this.dropped += samples.length - from - count;
    if (count === 0) return start;
    this.ensure(offset + count);
    this.buffer.set(samples.subarray(from, from + count), offset);
    this.used = Math.max(this.used, offset + count);
    return start;
  }

  /** Drops what was written after absolute position `at` (audio sent but never played). */
  cut(at: number): void {
    const offset = Math.max(0, at - this.base);
    if (offset < this.used) {
      this.buffer.fill(0, offset, this.used);
      this.used = offset;
    }
    if (this.cursor !== null && this.cursor > at) this.cursor = at;
  }

  /** Copies `count` samples from the encoder's position into `into` (zeros past the end), moving on. */
  take(count: number, into: Int16Array): void {
    const available = Math.min(count, this.used);
    into.set(this.buffer.subarray(0, available));
    into.fill(0, available, count);
    this.buffer.copyWithin(0, available, this.used);
    this.buffer.fill(0, this.used - available, this.used);
    this.used -= available;
    this.base += count;
  }

  private ensure(length: number): void {
    if (length <= this.buffer.length) return;
    let size = this.buffer.length;
    while (size < length) size *= 2;
    const grown = new Int16Array(Math.min(size, this.maxAheadSamples));
    grown.set(this.buffer.subarray(0, this.used));
    this.buffer = grown;
  }
}

/** The visitor (left) and the agent (right), read out as interleaved stereo frames. */
export class StereoTimeline {
  readonly visitor: ChannelWindow;
  readonly agent: ChannelWindow;
  /** Absolute sample index of the next frame to encode. */
  position = 0;
  private readonly left = new Int16Array(FRAME_SAMPLES);
  private readonly right = new Int16Array(FRAME_SAMPLES);

  /** `maxAheadMs`: how far audio may run ahead of the encoder before it is dropped. */
  constructor(maxAheadMs = 120_000) {
    this.visitor = new ChannelWindow(maxAheadMs * SAMPLES_PER_MS);
    this.agent = new ChannelWindow(maxAheadMs * SAMPLES_PER_MS);
  }

  /** The furthest written sample of either channel. */
  get end(): number {
    return Math.max(this.visitor.end, this.agent.end);
  }

  /** The next 20 ms as interleaved stereo PCM16 (left visitor, right agent). */
  nextFrame(): { interleaved: Int16Array; left: Int16Array; right: Int16Array } {
    this.visitor.take(FRAME_SAMPLES, this.left);
    this.agent.take(FRAME_SAMPLES, this.right);
    this.position += FRAME_SAMPLES;
    const interleaved = new Int16Array(FRAME_SAMPLES * 2);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      interleaved[i * 2] = this.left[i] ?? 0;
      interleaved[i * 2 + 1] = this.right[i] ?? 0;
    }
    return { interleaved, left: this.left, right: this.right };
  }
}

/** Little-endian PCM16 bytes (base64-decoded) as samples, copying only when misaligned. */
export function pcm16(bytes: Buffer): Int16Array {
  const count = bytes.length >> 1;
  if (bytes.byteOffset % 2 === 0) return new Int16Array(bytes.buffer, bytes.byteOffset, count);
  const copy = new Int16Array(count);
  for (let i = 0; i < count; i++) copy[i] = bytes.readInt16LE(i * 2);
  return copy;
}
