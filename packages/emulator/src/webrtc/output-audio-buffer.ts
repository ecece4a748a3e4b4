import type { Json } from '../connection-context.js';
import { CALL_SAMPLE_RATE, FRAME_MS, FRAME_SAMPLES } from '../opus-codec.js';

/** What the buffer needs from its call. */
export interface OutputAudioBufferHost {
  /** Sends a server event through the session (event id, data channel and sideband). */
  emit(event: Json): void;
  /** Sends one 20 ms frame of PCM16 (24 kHz) as RTP; `marker` on the first frame after a gap. */
  sendFrame(pcm: Buffer, marker: boolean): void;
  /** Moves the RTP clock over frames dropped (not sent) after a stall. */
  skipFrames(frames: number): void;
  /** Cuts the assistant item at what was played (`conversation.item.truncate` on the server side). */
  truncate(itemId: string, audioEndMs: number): void;
  /** Milliseconds of a monotonic clock (injected so tests drive time). */
  now(): number;
  /** Calls `tick` every `ms` until the returned function is called. */
  every(ms: number, tick: () => void): () => void;
}

interface Segment {
  responseId: string;
  itemId: string;
  /** PCM16 chunks not yet played. */
  chunks: Buffer[];
  /** Byte offset into `chunks[0]` already played. */
  offset: number;
  /** Samples of this item already played. */
  playedSamples: number;
}

const FRAME_BYTES = FRAME_SAMPLES * 2;
/** A stalled event loop must not make the call burst seconds of audio at once. */
const MAX_CATCH_UP_FRAMES = 5;

/**
 * The server-owned output audio buffer of a WebRTC call, as the Realtime API keeps it: the reply's
 * audio is queued as it is generated (faster than real time) and played out as 20 ms RTP frames at
 * the real rate. It announces `output_audio_buffer.started` when a response's audio starts,
 * `.stopped` once that response is done and its audio has all been played, and `.cleared` when it
 * is emptied by barge-in or `output_audio_buffer.clear`; then it truncates the assistant item at
 * the milliseconds actually played, so the stored transcript is what the user heard.
 */
export class OutputAudioBuffer {
  private readonly host: OutputAudioBufferHost;
  private readonly segments: Segment[] = [];
  /** The response whose audio is playing (started sent, stopped/cleared not yet). */
  private playing: string | null = null;
  /** Responses that sent `response.done`. */
  private readonly done = new Set<string>();
  private stopTimer: (() => void) | null = null;
  private startedAt = 0;
  private framesSent = 0;
  private lastResponseId: string | null = null;

  constructor(host: OutputAudioBufferHost) {
    this.host = host;
  }

  /** Whether a response's audio is playing. */
  get isPlaying(): boolean {
    return this.playing !== null;
  }

  /** Queues generated audio (PCM16 at 24 kHz) of an assistant item. */
  push(responseId: string, itemId: string, pcm: Buffer): void {
    if (pcm.length === 0) return;
    let segment = this.segments.at(-1);
    if (!segment || segment.itemId !== itemId || segment.responseId !== responseId) {
      segment = { responseId, itemId, chunks: [], offset: 0, playedSamples: 0 };
      this.segments.push(segment);
    }
    segment.chunks.push(pcm);
    this.lastResponseId = responseId;
    if (this.playing === null) {
      this.playing = responseId;
      this.host.emit({ type: 'output_audio_buffer.started', response_id: responseId });
    }
    this.startClock();
  }

  /** The response sent `response.done`: its `stopped` follows once its audio has played. */
  responseDone(responseId: string): void {
    if (this.segments.some((s) => s.responseId === responseId && s.chunks.length > 0)) {
      this.done.add(responseId);
      return;
    }
    // Its audio has all played already (generation had fallen behind and the clock stopped).
    for (let index = this.segments.length - 1; index >= 0; index--)
      if (this.segments[index]!.responseId === responseId) this.segments.splice(index, 1);
    if (this.playing === responseId) this.finish(responseId);
  }

  /**
   * Drops everything not yet played: `output_audio_buffer.cleared`, then the playing item is
   * truncated at what was played. Returns whether anything was playing.
   */
  clear(): boolean {
    const responseId = this.playing ?? this.lastResponseId;
    const current = this.segments[0];
    const wasPlaying = this.playing !== null;
    this.segments.length = 0;
    this.playing = null;
    this.stopClock();
    this.host.emit({ type: 'output_audio_buffer.cleared', response_id: responseId });
    if (wasPlaying && current)
      this.host.truncate(
        current.itemId,
        Math.floor((current.playedSamples / CALL_SAMPLE_RATE) * 1000),
      );
    return wasPlaying;
  }

  /** Stops the clock (the call ended). */
  dispose(): void {
    this.segments.length = 0;
    this.stopClock();
  }

  private startClock(): void {
    if (this.stopTimer) return;
    this.startedAt = this.host.now();
    this.framesSent = 0;
    this.stopTimer = this.host.every(FRAME_MS / 2, () => this.tick());
    this.tick();
  }

  private stopClock(): void {
    this.stopTimer?.();
    this.stopTimer = null;
  }

  /** Sends every frame due by now (at most a few after a stall). */
  private tick(): void {
    const due = Math.floor((this.host.now() - this.startedAt) / FRAME_MS) + 1 - this.framesSent;
    for (let sent = 0; sent < Math.min(due, MAX_CATCH_UP_FRAMES); sent++) {
      if (!this.sendNextFrame()) return;
    }
    if (due > MAX_CATCH_UP_FRAMES) {
      this.framesSent += due - MAX_CATCH_UP_FRAMES;
      this.host.skipFrames(due - MAX_CATCH_UP_FRAMES);
    }
  }

  /** Plays one frame; false once the buffer ran dry (the clock then stops). */
  private sendNextFrame(): boolean {
    // An item whose audio has all played ends when the next one starts.
    while (this.segments.length > 1 && this.segments[0]!.chunks.length === 0) this.segments.shift();
    const segment = this.segments[0];
    if (!segment || segment.chunks.length === 0) {
      this.stopClock();
      return false;
    }
    const frame = Buffer.alloc(FRAME_BYTES);
    let filled = 0;
    while (filled < FRAME_BYTES && segment.chunks.length > 0) {
      const chunk = segment.chunks[0]!;
      const take = Math.min(FRAME_BYTES - filled, chunk.length - segment.offset);
      chunk.copy(frame, filled, segment.offset, segment.offset + take);
      filled += take;
      segment.offset += take;
      if (segment.offset >= chunk.length) {
        segment.chunks.shift();
        segment.offset = 0;
      }
    }
    // A frame that ends an item is padded with silence, so items never share a frame.
    this.host.sendFrame(frame, this.framesSent === 0);
    this.framesSent++;
    segment.playedSamples += filled / 2;
    if (segment.chunks.length > 0) return true;
    if (this.done.has(segment.responseId)) {
      this.segments.shift();
      if (!this.segments.some((s) => s.responseId === segment.responseId)) {
        this.done.delete(segment.responseId);
        this.finish(segment.responseId);
      }
      return this.segments.length > 0;
    }
    // Generation is behind the playout (still streaming): the clock restarts on the next push.
    if (this.segments.length === 1) {
      this.stopClock();
      return false;
    }
    return true;
  }

  private finish(responseId: string): void {
    if (this.playing !== responseId) return;
    this.playing = null;
    this.host.emit({ type: 'output_audio_buffer.stopped', response_id: responseId });
    const next = this.segments[0];
    if (next) {
      this.playing = next.responseId;
      this.host.emit({ type: 'output_audio_buffer.started', response_id: next.responseId });
    }
  }
}
