import type { SpeechClip } from '../speech.js';

/** Output audio is produced in 100 ms deltas of the session timeline, like GPT-Live's WebSocket stream. */
export const OUTPUT_CHUNK_MS = 100;
const SAMPLES_PER_MS = 24;
const CHUNK_SAMPLES = OUTPUT_CHUNK_MS * SAMPLES_PER_MS;

/** One thing the model says: synthesized speech with where each word starts. */
export interface Utterance {
  text: string;
  clip: SpeechClip;
  /** Called once when the utterance has been played to its end or cut. */
  onEnd?: (heardText: string, interrupted: boolean) => void;
}

interface Playing extends Utterance {
  cursor: number;
  startMs: number;
  nextPiece: number;
  heard: string;
}

/** Where the output track delivers what it produces. */
export interface OutputSink {
  /** 100 ms of 24 kHz PCM16 (zeros when the model is quiet) covering `[startMs, endMs)`. */
  audio(samples: Int16Array, startMs: number, endMs: number): void;
  /** A transcript fragment of what the model says, timed on the session timeline. */
  transcript(delta: string, startMs: number, endMs: number): void;
}

/**
 * The model's output track. GPT-Live streams output audio continuously on a WebSocket, zero-filled
 * between replies, at the pace of the session timeline (which input audio drives): so the track
 * produces one 100 ms chunk each time the timeline passes another 100 ms, taking samples from the
 * utterance being spoken, and sends each word's transcript fragment as its audio goes out.
 */
export class OutputTrack {
  private readonly queue: Utterance[] = [];
  private current: Playing | null = null;
  private producedMs = 0;
  private fragmentsSent = 0;

  constructor(private readonly sink: OutputSink) {}

  /** True while the model is speaking or has speech queued. */
  get speaking(): boolean {
    return this.current !== null || this.queue.length > 0;
  }

  /** Timeline position up to which output has been produced. */
  get producedUntilMs(): number {
    return this.producedMs;
  }

  /** Queues an utterance after whatever is being said. */
  enqueue(utterance: Utterance): void {
    this.queue.push(utterance);
  }

  /**
   * Stops speaking at once (the user spoke over the model, or instructions cut it): the rest of
   * the current utterance and everything queued is dropped; what was played stays said.
   */
  interrupt(): void {
    const current = this.current;
    this.current = null;
    const dropped = this.queue.splice(0);
    current?.onEnd?.(current.heard, true);
    for (const utterance of dropped) utterance.onEnd?.('', true);
  }

  /** Produces output chunks until the track reaches `timelineMs`. */
  advanceTo(timelineMs: number): void {
    while (this.producedMs + OUTPUT_CHUNK_MS <= timelineMs) this.produceChunk();
  }

  private produceChunk(): void {
    const startMs = this.producedMs;
    const endMs = startMs + OUTPUT_CHUNK_MS;
    const chunk = new Int16Array(CHUNK_SAMPLES);
    let filled = 0;
    while (filled < CHUNK_SAMPLES) {
      if (!this.current) {
        const next = this.queue.shift();
        if (!next) break;
        this.current = {
          ...next,
          cursor: 0,
          startMs: startMs + filled / SAMPLES_PER_MS,
          nextPiece: 0,
          heard: '',
        };
      }
      const playing = this.current;
      const take = Math.min(CHUNK_SAMPLES - filled, playing.clip.samples.length - playing.cursor);
      chunk.set(playing.clip.samples.subarray(playing.cursor, playing.cursor + take), filled);
      playing.cursor += take;
      filled += take;
      this.sendFragments(playing);
      if (playing.cursor >= playing.clip.samples.length) {
        this.current = null;
        playing.onEnd?.(playing.heard, false);
      }
    }
    this.producedMs = endMs;
    this.sink.audio(chunk, startMs, endMs);
  }

  /** Sends the words whose audio starts before the cursor, as one fragment. */
  private sendFragments(playing: Playing): void {
    const pieces = playing.clip.pieces;
    let text = '';
    const first = playing.nextPiece;
    while (
      playing.nextPiece < pieces.length &&
      pieces[playing.nextPiece]!.startSample < playing.cursor
    ) {
      text += pieces[playing.nextPiece]!.text;
      playing.nextPiece++;
    }
    if (playing.nextPiece === first) return;
    const words = text.trim();
    if (!words) return;
    playing.heard += text;
    const endSample =
      playing.nextPiece < pieces.length
        ? pieces[playing.nextPiece]!.startSample
        : playing.clip.samples.length;
    // Fragments carry their own leading space and are concatenated as they are (reference §8).
    const delta = this.fragmentsSent === 0 ? words : ` ${words}`;
    this.fragmentsSent++;
    this.sink.transcript(
      delta,
      Math.round(playing.startMs + pieces[first]!.startSample / SAMPLES_PER_MS),
      Math.round(playing.startMs + endSample / SAMPLES_PER_MS),
    );
  }
}
