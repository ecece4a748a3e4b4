import type { EnqueueOptions, PlaybackPosition } from '@parley/core';
import type { ContextSampleRate } from './audio-context.js';

// The player's public vocabulary; `player.ts` implements it.

/** Where the player's sound goes. */
export type PlayerOutput =
  /** An `<audio>` element fed by a MediaStreamDestination where `setSinkId` exists, else the context. */
  | 'auto'
  /** Always through an `<audio>` element (output-device selection; browser echo cancellation sees it). */
  | 'element'
  /** Straight to `AudioContext.destination` (lowest latency; device selection via `AudioContext.setSinkId` where it exists). */
  | 'context';

/** Options of {@link createPlayer}. */
export interface PlayerOptions {
  /** Output device (from `listDevices('audiooutput')`); the default device when omitted. */
  sinkId?: string;
  /** Gain, 0..1 (default 1). */
  volume?: number;
  /**
   * Jitter-buffer pre-roll in ms (default 40): the arrival jitter absorbed before an item starts.
   * An item starts at once when three pre-rolls are queued, else after waiting the pre-roll with
   * the pre-roll queued.
   */
  prerollMs?: number;
  /** Run in this AudioContext instead of creating one (it must outlive the player). */
  context?: AudioContext;
  /** Rate of the AudioContext the player creates (default `'device'`: the hardware rate; the worklet resamples). */
  sampleRate?: ContextSampleRate;
  /** URL of the playback worklet module, for apps that serve it themselves. */
  workletUrl?: string | URL;
  /** Output routing (default `'auto'`). */
  output?: PlayerOutput;
  /** Resume the AudioContext on the first user gesture when autoplay blocked it (default true; iOS needs it). */
  unlockOnGesture?: boolean;
}

/** Lifecycle of a {@link Player}. `blocked`: running but the browser holds audio until a user gesture. */
export type PlayerState = 'idle' | 'starting' | 'running' | 'blocked' | 'stopped' | 'error';

/** Counters of the jitter buffer. */
export interface PlaybackStats {
  /** Times an item's audio ran out before its next chunk arrived. */
  underruns: number;
  /** Output samples of silence heard inside items because of underruns. */
  starvedFrames: number;
  /** Chunks dropped because their item had been flushed. */
  droppedChunks: number;
}

/** Output level, about 30 times a second while sound plays (one zero reading when it stops). */
export interface OutputLevel {
  rms: number;
  peak: number;
}

/** Events of a {@link Player}. */
export interface PlayerEvents {
  /** The first sample of an item was rendered (after pre-roll). */
  started: (itemId: string) => void;
  /** Everything queued has been rendered. */
  idle: (position: PlaybackPosition) => void;
  /** An item's audio ran dry before more arrived. */
  underrun: (info: { itemId: string; underruns: number }) => void;
  level: (level: OutputLevel) => void;
  /**
   * A flush took effect: output is silent from AudioContext time `silentFrom` (s) on, and
   * `position` is what `flush()` resolves with.
   */
  flushed: (info: { position: PlaybackPosition | null; silentFrom: number }) => void;
  error: (error: Error) => void;
  state: (state: PlayerState) => void;
}

/** Speaker playback of 24 kHz PCM16 through the Parley playback worklet. */
export interface Player {
  readonly state: PlayerState;
  readonly context: AudioContext | null;
  /** The gain node everything plays through: tap it for visualizers or recording (null before start). */
  readonly output: GainNode | null;
  readonly volume: number;
  readonly sinkId: string | undefined;
  readonly stats: PlaybackStats;
  /**
   * Starts output, in `context` when given (else `options.context`, else a context of its own).
   * Resolves in state `running`, or `blocked` when the browser holds audio until a user gesture.
   */
  start(context?: AudioContext): Promise<void>;
  stop(): Promise<void>;
  /**
   * Queues 24 kHz PCM16 mono audio of one item (copied; the array stays yours). `continuous`: see
   * `EnqueueOptions` (the player skips such a track's silence to shed lag it does not need).
   */
  enqueue(itemId: string, pcm16: Int16Array, options?: EnqueueOptions): void;
  /**
   * Silences output within one render quantum, drops everything queued (and later chunks of the
   * interrupted item), and resolves with that item's exact position at the moment of silence.
   */
  flush(): Promise<PlaybackPosition | null>;
  /** Latest known position of an item (updated every 20 ms while it plays, exact after flush/idle). */
  position(itemId: string): PlaybackPosition | null;
  setVolume(volume: number): void;
  /** Changes the pre-roll for the next item start. */
  setPreroll(prerollMs: number): void;
  /** Selects the output device. Rejects with a typed error where the browser cannot. */
  setSinkId(sinkId: string): Promise<void>;
  /** Resumes a `blocked` context; call it from a click handler. Resolves true when audio runs. */
  unlock(): Promise<boolean>;
  on<K extends keyof PlayerEvents>(event: K, listener: PlayerEvents[K]): () => void;
}
