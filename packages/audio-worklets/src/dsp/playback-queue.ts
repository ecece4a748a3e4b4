/** How much of one item has been rendered, in samples of the source rate (24 kHz). */
export interface ItemPlayhead {
  itemId: string;
  /** Source-rate samples of this item rendered so far; underruns add nothing. */
  playedSamples: number;
}

/** Something the queue reports while rendering. Frames count output samples since the queue started. */
export type PlaybackQueueEvent =
  /** The first sample of an item was rendered at output frame `frame`. */
  | { type: 'started'; itemId: string; frame: number }
  /** Everything queued has been rendered; `playhead` is the item that played last. */
  | { type: 'idle'; playhead: ItemPlayhead; frame: number }
  /** More audio arrived for an item after its queue ran dry: the listener heard a gap. */
  | { type: 'underrun'; itemId: string; underruns: number; frame: number };

/** Options of {@link PlaybackQueue}. */
export interface PlaybackQueueOptions {
  /** Output (AudioContext) sample rate. */
  outputRate: number;
  /** Rate of the audio handed to `enqueue` before resampling (24000 for the Realtime API). */
  sourceRate: number;
  /**
   * Pre-roll in ms (default 40): the arrival jitter to absorb. Playback of an item (or of its
   * continuation after an underrun) starts at once when three times this much audio is queued
   * (a burst from a server that streams faster than real time: the pre-roll plus twice it of
   * jitter allowance); otherwise once its first chunk has waited this long *and* this much audio
   * is queued. A short item that never reaches that much starts after twice this wait.
   */
  prerollMs?: number;
  /** Positions of this many recent items are kept (default 64). */
  rememberItems?: number;
}

interface Segment {
  itemId: string;
  /** Samples at the output rate. */
  samples: Float32Array;
  /** Next sample to render. */
  offset: number;
  /** How many source-rate samples this segment stands for. */
  sourceSamples: number;
  /** Part of a continuous track (see `enqueue`). */
  continuous: boolean;
  /** Every sample is exactly zero (a continuous track's silence between replies). */
  silent: boolean;
}

interface ItemState {
  /** Source samples of fully rendered segments. */
  completedSamples: number;
  /** Source samples of the segment being rendered, counted proportionally. */
  partialSamples: number;
  started: boolean;
}

type Phase = 'waiting' | 'playing' | 'drained';

/** Queued audio, in pre-rolls, that starts playback without waiting the pre-roll time. */
const BURST_PREROLLS = 3;
// A continuous track: the lateness of its last 32 chunks (3.2 s of 100 ms) sizes its lag once 8
// came, with 10 ms to spare.
const LATENESS_WINDOW = 32;
const LATENESS_EVIDENCE = 8;
const LAG_MARGIN_MS = 10;

/**
 * The jitter buffer and playhead of the playback worklet, free of any Web Audio API so it can be
 * tested in Node. Audio is queued per item; rendering pulls output-rate samples; every rendered
 * sample is credited to its item, so `flush()` knows exactly how much of the interrupted item was
 * played. When the queue runs dry mid-item the gap is counted as an underrun and the playhead stays
 * where it was (the seeds' players reset it, so their truncation offsets came out short).
 */
export class PlaybackQueue {
  private readonly outputRate: number;
  private readonly sourceRate: number;
  private prerollFrames: number;
  private readonly rememberItems: number;
  private readonly segments: Segment[] = [];
  private head = 0;
  private bufferedFrames = 0;
  private phase: Phase = 'waiting';
  private waitingSince = -1;
  private lastItemId: string | null = null;
  private readonly items = new Map<string, ItemState>();
  private readonly flushedItems: string[] = [];
  /** Frames of the continuous stream enqueued so far (kept across flushes: it is one stream). */
  private streamFrames = 0;
  /** Arrival frame less stream position of its recent chunks: how late each came, plus a constant. */
  private lateness: number[] = [];
  private readonly marginFrames: number;
  /** Times more audio arrived for an item whose queue had run dry. */
  underruns = 0;
  /** Output frames rendered as silence while an item was waiting for more audio after an underrun. */
  starvedFrames = 0;
  /** Chunks dropped because their item had been flushed. */
  droppedChunks = 0;
  /** Frames of a continuous track's silence skipped. */
  skippedFrames = 0;

  constructor(options: PlaybackQueueOptions) {
    this.outputRate = options.outputRate;
    this.sourceRate = options.sourceRate;
    this.prerollFrames = this.framesFor(options.prerollMs ?? 40);
    this.rememberItems = options.rememberItems ?? 64;
    this.marginFrames = this.framesFor(LAG_MARGIN_MS);
  }

  /** Changes the pre-roll for the next start. */
  setPreroll(prerollMs: number): void {
    this.prerollFrames = this.framesFor(prerollMs);
  }

  /** Output frames queued and not yet rendered. */
  get buffered(): number {
    return this.bufferedFrames;
  }

  /** Whether output is running (not waiting for pre-roll and not drained). */
  get playing(): boolean {
    return this.phase === 'playing';
  }

  /**
   * Queues audio of one item, already at the output rate. `sourceSamples` is its length at the
   * source rate, the unit positions are reported in. Returns an underrun event when this chunk
   * continues an item whose queue had run dry, null otherwise; returns null and drops the chunk when
   * the item was flushed (late deltas of an interrupted response must not play).
   *
   * `continuous` (core's `EnqueueOptions`): a never-draining track keeps any lag it built up, so
   * its exact silence is skipped down to the lag that the latest of its recent chunks needed.
   */
  enqueue(
    itemId: string,
    samples: Float32Array,
    sourceSamples: number,
    frame: number,
    continuous = false,
  ): PlaybackQueueEvent | null {
    // A flushed item's chunks still came in the stream's time.
    if (continuous) this.noteArrival(frame, samples.length);
    if (this.flushedItems.includes(itemId)) {
      this.droppedChunks++;
      return null;
    }
    if (samples.length === 0) return null;
    let event: PlaybackQueueEvent | null = null;
    if (this.phase === 'drained') {
      if (this.lastItemId === itemId) {
        this.underruns++;
        event = { type: 'underrun', itemId, underruns: this.underruns, frame };
      }
      this.phase = 'waiting';
      this.waitingSince = -1;
    }
    if (this.phase === 'waiting' && this.waitingSince < 0) this.waitingSince = frame;
    const silent = continuous && samples.every((sample) => sample === 0);
    this.segments.push({ itemId, samples, offset: 0, sourceSamples, continuous, silent });
    this.bufferedFrames += samples.length;
    this.itemState(itemId);
    return event;
  }

  /**
   * Fills `output` (one render quantum) starting at output frame `frame`, silence where there is
   * nothing to play, and reports what happened through `onEvent`.
   */
  render(output: Float32Array, frame: number, onEvent: (event: PlaybackQueueEvent) => void): void {
    let written = 0;
    if (this.phase === 'waiting' && this.bufferedFrames > 0) {
      // A burst of three pre-rolls (120 ms for 40 ms) starts at once: what a server that streams
      // faster than real time delivers in its first few milliseconds, and enough to ride out a next
      // chunk up to two pre-rolls late. Otherwise the pre-roll amount and the pre-roll time, not
      // either: a single chunk that just covers the pre-roll says nothing about when the next one
      // comes, and waiting the pre-roll time as well lets chunks of 80 ms or more delivered at only
      // 2x real time ride out any 0-80 ms arrival jitter with a 40 ms pre-roll (see the tests).
      // A continuous track whose timing is known (after a flush or an underrun) waits only as long
      // as its recent chunks' lateness asks.
      const waited = frame - this.waitingSince;
      if (
        this.bufferedFrames >= BURST_PREROLLS * this.prerollFrames ||
        (waited >= this.prerollFrames && this.bufferedFrames >= this.prerollFrames) ||
        waited >= 2 * this.prerollFrames ||
        (this.segments[this.head]?.continuous === true && (this.spareLag(frame) ?? -1) >= 0)
      ) {
        this.phase = 'playing';
      }
    }
    if (this.phase === 'playing') {
      this.skipUnneededSilence(frame, output.length);
      while (written < output.length) {
        const segment = this.segments[this.head];
        if (!segment) break;
        const item = this.itemState(segment.itemId);
        if (!item.started) {
          item.started = true;
          onEvent({ type: 'started', itemId: segment.itemId, frame: frame + written });
        }
        const count = Math.min(output.length - written, segment.samples.length - segment.offset);
        output.set(segment.samples.subarray(segment.offset, segment.offset + count), written);
        written += count;
        this.consume(segment, item, count);
      }
      if (this.head === this.segments.length) {
        this.segments.length = 0;
        this.head = 0;
        this.phase = 'drained';
        const last = this.lastItemId;
        if (last !== null) {
          onEvent({ type: 'idle', playhead: this.playhead(last), frame: frame + written });
        }
      } else if (this.head > 256) {
        this.segments.splice(0, this.head);
        this.head = 0;
      }
    } else if (this.lastItemId !== null && this.segments.length > 0) {
      // Waiting for pre-roll again after an underrun of the same item: the listener hears a gap.
      const next = this.segments[this.head];
      if (next && next.itemId === this.lastItemId) this.starvedFrames += output.length;
    }
    output.fill(0, written);
  }

  /** Takes `count` frames off the head segment, crediting them to its item. */
  private consume(segment: Segment, item: ItemState, count: number): void {
    segment.offset += count;
    this.bufferedFrames -= count;
    this.lastItemId = segment.itemId;
    if (segment.offset === segment.samples.length) {
      item.completedSamples += segment.sourceSamples;
      item.partialSamples = 0;
      this.segments[this.head] = undefined as unknown as Segment;
      this.head++;
    } else {
      item.partialSamples = Math.floor(
        (segment.offset * segment.sourceSamples) / segment.samples.length,
      );
    }
  }

  private noteArrival(frame: number, frames: number): void {
    this.lateness.push(frame - this.streamFrames);
    if (this.lateness.length > LATENESS_WINDOW) this.lateness.shift();
    this.streamFrames += frames;
  }

  /**
   * Frames of lag a continuous track holds beyond what its recent chunks' lateness needs (null
   * before enough of them came): a chunk arriving now would play once the queue has, so that much
   * lateness it may have.
   */
  private spareLag(frame: number): number | null {
    if (this.lateness.length < LATENESS_EVIDENCE) return null;
    const allowed = frame + this.bufferedFrames - this.streamFrames;
    return allowed - Math.max(...this.lateness) - this.marginFrames;
  }

  /** Skips a continuous track's silence at the head, as counted as played (see `enqueue`). */
  private skipUnneededSilence(frame: number, quantum: number): void {
    const spare = this.spareLag(frame);
    if (spare === null) return;
    let budget = Math.min(spare, this.bufferedFrames - quantum);
    let skipped = 0;
    while (budget > 0) {
      const segment = this.segments[this.head];
      if (!segment?.continuous || !segment.silent) break;
      const item = this.itemState(segment.itemId);
      if (!item.started) break;
      const count = Math.min(budget, segment.samples.length - segment.offset);
      this.consume(segment, item, count);
      budget -= count;
      skipped += count;
    }
    this.skippedFrames += skipped;
  }

  /**
   * Drops everything queued and returns the playhead of the item that was playing (null when
   * nothing was: idle, or only pre-rolling an item not yet heard). Later chunks of that item are
   * dropped.
   */
  flush(): ItemPlayhead | null {
    let interrupted: ItemPlayhead | null = null;
    const current = this.segments[this.head];
    const currentItem = current ? this.items.get(current.itemId) : undefined;
    if (current && currentItem?.started) {
      interrupted = this.playhead(current.itemId);
    }
    if (current && currentItem) {
      currentItem.completedSamples += currentItem.partialSamples;
      currentItem.partialSamples = 0;
    }
    const itemIds = new Set<string>();
    for (let index = this.head; index < this.segments.length; index++) {
      const segment = this.segments[index];
      if (segment) itemIds.add(segment.itemId);
    }
    for (const itemId of itemIds) this.flushedItems.push(itemId);
    while (this.flushedItems.length > 16) this.flushedItems.shift();
    this.segments.length = 0;
    this.head = 0;
    this.bufferedFrames = 0;
    this.phase = 'waiting';
    this.waitingSince = -1;
    this.lastItemId = null;
    return interrupted;
  }

  /** The playhead of an item, or null when none of it was ever rendered. */
  position(itemId: string): ItemPlayhead | null {
    const item = this.items.get(itemId);
    if (!item?.started) return null;
    return this.playhead(itemId);
  }

  /** The item whose audio is at the head of the queue, or the last one rendered. */
  get currentItemId(): string | null {
    return this.segments[this.head]?.itemId ?? this.lastItemId;
  }

  private playhead(itemId: string): ItemPlayhead {
    const item = this.items.get(itemId);
    return {
      itemId,
      playedSamples: item ? item.completedSamples + item.partialSamples : 0,
    };
  }

  private itemState(itemId: string): ItemState {
    let item = this.items.get(itemId);
    if (!item) {
      item = { completedSamples: 0, partialSamples: 0, started: false };
      this.items.set(itemId, item);
      if (this.items.size > this.rememberItems) {
        const oldest = this.items.keys().next().value;
        if (oldest !== undefined && oldest !== itemId) this.items.delete(oldest);
      }
    }
    return item;
  }

  private framesFor(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`prerollMs must be >= 0, got ${ms}`);
    return Math.round((ms * this.outputRate) / 1000);
  }

  /** Source rate this queue reports positions in. */
  get positionRate(): number {
    return this.sourceRate;
  }
}
