/**
 * One recorded connection: the relay hands it the visitor's audio as it arrives and the agent's
 * as it is sent; it places both on the connection's clock ({@link StereoTimeline}) and encodes
 * them in the background, a few times a second and a second behind real time (late microphone
 * chunks still land), so the relay's event handlers only decode base64 and copy samples. At the
 * end it closes the file, hands it to storage and stores the metadata.
 */
import { stat } from 'node:fs/promises';
import type { RecordingMark } from '../schemas.js';
import { FRAME_SAMPLES, SAMPLES_PER_MS, StereoTimeline, pcm16 } from './pcm-timeline.js';
import type { OggOpusWriter, WrittenAudio } from './ogg-opus-writer.js';

/** How often buffered audio is encoded. */
const ENCODE_EVERY_MS = 250;
/** Audio this recent is left for the next pass: a microphone chunk may still arrive for it. */
const ENCODE_LAG_MS = 1000;
/** Items whose audio start is remembered (to place an interruption); older ones are forgotten. */
const ITEM_STARTS_KEPT = 32;
/** Most interruption marks kept per recording. */
const MARKS_KEPT = 1000;

/** What a finished recording hands on to be stored. */
export interface FinishedAudio extends WrittenAudio {
  file: string;
  bytes: number;
  marks: RecordingMark[];
  startedAt: Date;
}

/** What {@link ConversationAudio} needs. */
export interface ConversationAudioOptions {
  /** The writer of this recording's file (its encoder loads on first use). */
  writer: Promise<OggOpusWriter>;
  /** The file the writer writes. */
  file: string;
  /** Monotonic milliseconds (`performance.now`; injected in tests). */
  clock: () => number;
  /** Wall time of the clock's zero, stored as the recording's start. */
  startedAt: Date;
  /** Stores the finished file; failures are the caller's to log. */
  store: (audio: FinishedAudio) => Promise<void>;
  onError: (error: unknown) => void;
}

/** The recording of one relayed connection. */
export class ConversationAudio {
  private readonly timeline = new StereoTimeline();
  private readonly origin: number;
  private readonly itemStarts = new Map<string, number>();
  private readonly marks: RecordingMark[] = [];
  private readonly timer: NodeJS.Timeout;
  private work: Promise<void> = Promise.resolve();
  private failed = false;
  private finishing: Promise<void> | null = null;

  constructor(private readonly options: ConversationAudioOptions) {
    this.origin = options.clock();
    this.timer = setInterval(
      () => this.encodeUpTo(this.nowSample() - ENCODE_LAG_MS * SAMPLES_PER_MS),
      ENCODE_EVERY_MS,
    );
    this.timer.unref();
  }

  /** The visitor's audio (base64 PCM16), as the relay received it now. */
  input(base64: string): void {
    if (this.finishing) return;
    this.timeline.visitor.write(pcm16(Buffer.from(base64, 'base64')), this.nowSample());
  }

  /** The agent's audio (base64 PCM16) of item `itemId`, as the relay sent it now. */
  output(itemId: string | null, base64: string): void {
    if (this.finishing) return;
    const start = this.timeline.agent.write(pcm16(Buffer.from(base64, 'base64')), this.nowSample());
    if (itemId !== null && !this.itemStarts.has(itemId)) {
      this.itemStarts.set(itemId, start);
      if (this.itemStarts.size > ITEM_STARTS_KEPT) {
        const oldest = this.itemStarts.keys().next().value;
        if (oldest !== undefined) this.itemStarts.delete(oldest);
      }
    }
  }

  /**
   * The visitor interrupted: the browser stopped item `itemId` after `heardMs` of its audio. What
   * was sent after that was never played, so it leaves the recording, and the cut is marked.
   */
  truncated(itemId: string, heardMs: number): void {
    if (this.finishing) return;
    const start = this.itemStarts.get(itemId);
    const at =
      start === undefined ? this.nowSample() : start + Math.round(heardMs * SAMPLES_PER_MS);
    this.timeline.agent.cut(at);
    if (this.marks.length < MARKS_KEPT)
      this.marks.push({
        type: 'interruption',
        atMs: Math.round(at / SAMPLES_PER_MS),
        itemId,
        heardMs,
      });
  }

  /** Ends the recording: encodes the rest, closes the file and stores it. Idempotent. */
  finish(): Promise<void> {
    this.finishing ??= this.close();
    return this.finishing;
  }

  private async close(): Promise<void> {
    clearInterval(this.timer);
    const end = this.nowSample();
    // The agent's audio sent after the connection ended was never played.
    this.timeline.agent.cut(end);
    // The file spans the connection, silence at the end included.
    const last = Math.max(end, this.timeline.visitor.end, this.timeline.agent.end);
    this.encodeUpTo(Math.ceil(last / FRAME_SAMPLES) * FRAME_SAMPLES);
    await this.work;
    const { file } = this.options;
    try {
      const writer = await this.options.writer;
      if (this.failed) {
        await writer.abort();
        return;
      }
      const written = await writer.finish();
      if (written.durationMs === 0) return;
      const bytes = (await stat(file)).size;
      await this.options.store({
        ...written,
        file,
        bytes,
        marks: this.marks,
        startedAt: this.options.startedAt,
      });
    } catch (error) {
      this.options.onError(error);
    }
  }

  private nowSample(): number {
    return Math.round((this.options.clock() - this.origin) * SAMPLES_PER_MS);
  }

  /** Queues encoding of every whole frame before `target`. */
  private encodeUpTo(target: number): void {
    this.work = this.work.then(async () => {
      if (this.failed) return;
      try {
        const writer = await this.options.writer;
        while (this.timeline.position + FRAME_SAMPLES <= target) {
          const frame = this.timeline.nextFrame();
          await writer.frame(frame.interleaved, frame.left, frame.right);
        }
      } catch (error) {
        this.failed = true;
        this.options.onError(error);
      }
    });
  }
}
