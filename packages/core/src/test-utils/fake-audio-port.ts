import type { AudioPort, AudioPortEvents, EnqueueOptions, PlaybackPosition } from '../ports.js';

type Listeners = { [K in keyof AudioPortEvents]: Set<AudioPortEvents[K]> };

/**
 * An {@link AudioPort} with a playhead the test moves: `play(itemId, samples)` says how much of an
 * item has been rendered, so a barge-in test can check the truncate point against it exactly.
 *
 * @example
 * ```ts
 * const audio = new FakeAudioPort({ outputLatencyMs: 20 });
 * audio.play('item_A', 24_000); // one second of item_A has been rendered
 * ```
 */
export class FakeAudioPort implements AudioPort {
  started = false;
  inputMuted = false;
  /** Samples enqueued per item. */
  readonly enqueued = new Map<string, number>();
  /** Items enqueued as continuous tracks (`EnqueueOptions.continuous`). */
  readonly continuous = new Set<string>();
  /** Samples rendered per item (the playhead). */
  readonly played = new Map<string, number>();
  /** The item being rendered, if any. */
  playing: string | null = null;
  flushCount = 0;
  /** Items flushed with audio still queued: later chunks of theirs are dropped, as the player does. */
  readonly flushed = new Set<string>();
  /** Chunks dropped because their item had been flushed. */
  droppedChunks = 0;
  outputLatencyMs: number;
  /** Make `start()` reject with this error (e.g. a permission error). */
  startError: Error | null = null;
  private readonly listeners: Listeners = {
    frame: new Set(),
    playbackStarted: new Set(),
    playbackIdle: new Set(),
    levels: new Set(),
    error: new Set(),
  };

  constructor(options: { outputLatencyMs?: number } = {}) {
    this.outputLatencyMs = options.outputLatencyMs ?? 0;
  }

  start(): Promise<void> {
    if (this.startError) return Promise.reject(this.startError);
    this.started = true;
    return Promise.resolve();
  }

  stop(): Promise<void> {
    this.started = false;
    return Promise.resolve();
  }

  setInputMuted(muted: boolean): void {
    this.inputMuted = muted;
  }

  enqueue(itemId: string, pcm16: Int16Array, options?: EnqueueOptions): void {
    if (options?.continuous) this.continuous.add(itemId);
    if (this.flushed.has(itemId)) {
      this.droppedChunks += 1;
      return;
    }
    this.enqueued.set(itemId, (this.enqueued.get(itemId) ?? 0) + pcm16.length);
  }

  flush(): Promise<PlaybackPosition | null> {
    this.flushCount += 1;
    for (const [queued, samples] of this.enqueued) {
      if (samples > (this.played.get(queued) ?? 0)) this.flushed.add(queued);
    }
    const itemId = this.playing;
    this.playing = null;
    return Promise.resolve(itemId === null ? null : this.position(itemId));
  }

  position(itemId: string): PlaybackPosition | null {
    const playedSamples = this.played.get(itemId);
    if (playedSamples === undefined) return null;
    return { itemId, playedSamples, outputLatencyMs: this.outputLatencyMs };
  }

  on<K extends keyof AudioPortEvents>(event: K, listener: AudioPortEvents[K]): () => void {
    const set = this.listeners[event] as Set<AudioPortEvents[K]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Renders `samples` more of `itemId` (announcing `playbackStarted` on its first sample). */
  play(itemId: string, samples: number): void {
    const before = this.played.get(itemId);
    this.played.set(itemId, (before ?? 0) + samples);
    this.playing = itemId;
    if (before === undefined)
      for (const listener of this.listeners.playbackStarted) listener(itemId);
  }

  /** Everything queued has been rendered: the player goes idle. */
  drain(): void {
    const itemId = this.playing;
    if (itemId === null) return;
    this.playing = null;
    const position = this.position(itemId);
    if (position) for (const listener of this.listeners.playbackIdle) listener(position);
  }

  /** Delivers one microphone frame (unless muted, as the real port does). */
  emitFrame(pcm16: Int16Array): void {
    if (this.inputMuted) return;
    for (const listener of this.listeners.frame) listener(pcm16);
  }

  emitLevels(levels: Parameters<AudioPortEvents['levels']>[0]): void {
    for (const listener of this.listeners.levels) listener(levels);
  }

  emitError(error: Error): void {
    for (const listener of this.listeners.error) listener(error);
  }
}
