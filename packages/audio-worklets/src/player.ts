import type { EnqueueOptions, PlaybackPosition } from '@parley/core';
import {
  REALTIME_SAMPLE_RATE,
  createAudioContext,
  loadWorkletModule,
  outputLatencyMs,
  resumeWithin,
  unlockOnGesture,
} from './audio-context.js';
import { Emitter } from './emitter.js';
import { AudioErrorCode, audioError } from './errors.js';
import type {
  PlaybackStats,
  Player,
  PlayerEvents,
  PlayerOptions,
  PlayerState,
} from './player-types.js';
import { defaultPlaybackWorkletUrl } from './worklet-urls.js';
import {
  PLAYBACK_PROCESSOR,
  type PlaybackCommand,
  type PlaybackMessage,
  type PlaybackProcessorOptions,
  type WorkletPlayhead,
} from './worklets/messages.js';

export type {
  OutputLevel,
  PlaybackStats,
  Player,
  PlayerEvents,
  PlayerOptions,
  PlayerOutput,
  PlayerState,
} from './player-types.js';

const REMEMBERED_POSITIONS = 64;

/**
 * Creates a player: a jitter buffer with pre-roll, resampling to the context rate, an exact
 * per-item playhead for truncation, instant flush, volume and output-device selection.
 *
 * @example
 * ```ts
 * const player = createPlayer({ volume: 0.8 });
 * await player.start();
 * player.enqueue(itemId, pcm16);               // 24 kHz PCM16 deltas as they arrive
 * const heard = await player.flush();          // on barge-in
 * // truncate at heard.playedSamples / 24 - heard.outputLatencyMs milliseconds
 * ```
 */
export function createPlayer(options: PlayerOptions = {}): Player {
  return new WorkletPlayer(options);
}

class WorkletPlayer implements Player {
  private readonly events = new Emitter<PlayerEvents>();
  private currentState: PlayerState = 'idle';
  private audioContext: AudioContext | null = null;
  private ownsContext = false;
  private node: AudioWorkletNode | null = null;
  private gain: GainNode | null = null;
  private element: HTMLAudioElement | null = null;
  private streamDestination: MediaStreamAudioDestinationNode | null = null;
  private removeUnlock: () => void = () => undefined;
  private unwatchContext: () => void = () => undefined;
  private currentVolume: number;
  private currentSinkId: string | undefined;
  private prerollMs: number;
  private readonly pending: PlaybackCommand[] = [];
  private readonly positions = new Map<string, number>();
  private readonly flushes = new Map<number, (playhead: WorkletPlayhead | null) => void>();
  private nextFlushId = 1;
  private counters: PlaybackStats = { underruns: 0, starvedFrames: 0, droppedChunks: 0 };

  constructor(private readonly options: PlayerOptions) {
    this.currentVolume = clampVolume(options.volume ?? 1);
    this.currentSinkId = options.sinkId;
    this.prerollMs = options.prerollMs ?? 40;
    if (!Number.isFinite(this.prerollMs) || this.prerollMs < 0 || this.prerollMs > 1000) {
      throw new RangeError(`prerollMs must be between 0 and 1000, got ${this.prerollMs}`);
    }
  }

  get state(): PlayerState {
    return this.currentState;
  }

  get context(): AudioContext | null {
    return this.audioContext;
  }

  get output(): GainNode | null {
    return this.gain;
  }

  get volume(): number {
    return this.currentVolume;
  }

  get sinkId(): string | undefined {
    return this.currentSinkId;
  }

  get stats(): PlaybackStats {
    return { ...this.counters };
  }

  on<K extends keyof PlayerEvents>(event: K, listener: PlayerEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  async start(sharedContext?: AudioContext): Promise<void> {
    if (
      this.currentState !== 'idle' &&
      this.currentState !== 'stopped' &&
      this.currentState !== 'error'
    ) {
      return;
    }
    this.setState('starting');
    try {
      const given = sharedContext ?? this.options.context;
      const context = given ?? createAudioContext(this.options.sampleRate);
      this.ownsContext = !given;
      this.audioContext = context;
      await loadWorkletModule(context, this.options.workletUrl ?? defaultPlaybackWorkletUrl());
      const processorOptions: PlaybackProcessorOptions = {
        sourceRate: REALTIME_SAMPLE_RATE,
        prerollMs: this.prerollMs,
        positionIntervalMs: 20,
        levelIntervalMs: 1000 / 30,
      };
      const node = new AudioWorkletNode(context, PLAYBACK_PROCESSOR, {
        numberOfInputs: 0,
        numberOfOutputs: 1,
        outputChannelCount: [1],
        processorOptions,
      });
      node.port.onmessage = (event: MessageEvent<PlaybackMessage>) => this.receive(event.data);
      node.onprocessorerror = () => {
        this.events.emit(
          'error',
          audioError(AudioErrorCode.processorFailed, 'The playback worklet failed'),
        );
      };
      const gain = context.createGain();
      gain.gain.value = this.currentVolume;
      node.connect(gain);
      this.node = node;
      this.gain = gain;
      await this.route(context, gain);
      for (const command of this.pending.splice(0)) node.port.postMessage(command);
      const running = await resumeWithin(context, 500);
      const elementPlaying = await this.playElement();
      this.watchContext(context);
      if (running && elementPlaying) {
        this.setState('running');
      } else {
        this.setState('blocked');
        this.armUnlock(context);
      }
    } catch (error) {
      await this.release();
      this.setState('error');
      throw audioError(AudioErrorCode.contextFailed, 'Audio output could not start', error);
    }
  }

  async stop(): Promise<void> {
    await this.release();
    this.setState('stopped');
  }

  enqueue(itemId: string, pcm16: Int16Array, options?: EnqueueOptions): void {
    if (pcm16.length === 0) return;
    const command: PlaybackCommand = { type: 'enqueue', itemId, samples: pcm16 };
    if (options?.continuous) command.continuous = true;
    if (this.node) this.node.port.postMessage(command);
    else if (this.currentState === 'idle' || this.currentState === 'starting') {
      this.pending.push({ ...command, samples: pcm16.slice() });
    }
  }

  flush(): Promise<PlaybackPosition | null> {
    const node = this.node;
    const context = this.audioContext;
    if (!node || !context) {
      this.pending.length = 0;
      return Promise.resolve(null);
    }
    const requestId = this.nextFlushId++;
    return new Promise<PlaybackPosition | null>((resolve) => {
      // The worklet answers before its next render quantum; the timer only matters if the audio
      // thread is gone (context closed), and then nothing plays anyway.
      const timer = setTimeout(() => finish(null), 1000);
      const finish = (playhead: WorkletPlayhead | null): void => {
        clearTimeout(timer);
        this.flushes.delete(requestId);
        resolve(playhead ? this.toPosition(playhead) : null);
      };
      this.flushes.set(requestId, finish);
      node.port.postMessage({ type: 'flush', requestId } satisfies PlaybackCommand);
    });
  }

  position(itemId: string): PlaybackPosition | null {
    const playedSamples = this.positions.get(itemId);
    if (playedSamples === undefined) return null;
    return this.toPosition({ itemId, playedSamples });
  }

  setVolume(volume: number): void {
    this.currentVolume = clampVolume(volume);
    const gain = this.gain;
    const context = this.audioContext;
    // A short ramp avoids a click.
    if (gain && context) gain.gain.setTargetAtTime(this.currentVolume, context.currentTime, 0.01);
  }

  setPreroll(prerollMs: number): void {
    if (!Number.isFinite(prerollMs) || prerollMs < 0 || prerollMs > 1000) {
      throw new RangeError(`prerollMs must be between 0 and 1000, got ${prerollMs}`);
    }
    this.prerollMs = prerollMs;
    this.node?.port.postMessage({ type: 'preroll', prerollMs } satisfies PlaybackCommand);
  }

  async setSinkId(sinkId: string): Promise<void> {
    const previous = this.currentSinkId;
    this.currentSinkId = sinkId;
    try {
      await this.applySinkId();
    } catch (error) {
      this.currentSinkId = previous;
      throw error;
    }
  }

  async unlock(): Promise<boolean> {
    const context = this.audioContext;
    if (!context) return false;
    const running = await resumeWithin(context, 1000);
    const elementPlaying = await this.playElement();
    if (running && elementPlaying && this.currentState === 'blocked') this.setState('running');
    return running && elementPlaying;
  }

  /**
   * Follows the context's state for the player's lifetime: iOS suspends ("interrupted") a running
   * context for a phone call or when the page is hidden, and only a gesture may resume it.
   */
  private watchContext(context: AudioContext): void {
    const onChange = (): void => {
      const state = context.state as string;
      if (state === 'running') {
        if (this.currentState === 'blocked') this.setState('running');
      } else if (state !== 'closed' && this.currentState === 'running') {
        this.setState('blocked');
        this.armUnlock(context);
      }
    };
    context.addEventListener('statechange', onChange);
    this.unwatchContext = () => context.removeEventListener('statechange', onChange);
  }

  private armUnlock(context: AudioContext): void {
    if (!(this.options.unlockOnGesture ?? true)) return;
    this.removeUnlock();
    this.removeUnlock = unlockOnGesture(context, () => {
      void this.element?.play().catch(() => undefined);
    });
  }

  private async route(context: AudioContext, gain: GainNode): Promise<void> {
    const output = this.options.output ?? 'auto';
    const elementCanSelectSink =
      typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;
    if (output === 'element' || (output === 'auto' && elementCanSelectSink)) {
      const destination = context.createMediaStreamDestination();
      gain.connect(destination);
      const element = new Audio();
      element.autoplay = true;
      element.srcObject = destination.stream;
      this.element = element;
      this.streamDestination = destination;
    } else {
      gain.connect(context.destination);
    }
    if (this.currentSinkId) await this.applySinkId();
  }

  private async applySinkId(): Promise<void> {
    const sinkId = this.currentSinkId ?? '';
    // Older Safari and Firefox lack one or both setSinkId methods, whatever the DOM typings say.
    const target: object | null = this.element ?? this.audioContext;
    try {
      if (target) {
        if (!hasSetSinkId(target)) throw new Error('this browser cannot select an output device');
        await target.setSinkId(sinkId);
      }
    } catch (error) {
      throw audioError(
        AudioErrorCode.outputDeviceFailed,
        `Output device ${sinkId || 'default'} could not be selected`,
        error,
      );
    }
  }

  /** Starts the output element; false when autoplay rules block it (no element: true). */
  private async playElement(): Promise<boolean> {
    if (!this.element) return true;
    try {
      await this.element.play();
      return true;
    } catch {
      return false;
    }
  }

  private receive(message: PlaybackMessage): void {
    switch (message.type) {
      case 'started':
        this.remember(message.itemId, 0);
        this.events.emit('started', message.itemId);
        break;
      case 'position':
        this.remember(message.playhead.itemId, message.playhead.playedSamples);
        break;
      case 'idle':
        this.remember(message.playhead.itemId, message.playhead.playedSamples);
        this.events.emit('idle', this.toPosition(message.playhead));
        break;
      case 'underrun':
        this.events.emit('underrun', { itemId: message.itemId, underruns: message.underruns });
        break;
      case 'flushed': {
        if (message.playhead)
          this.remember(message.playhead.itemId, message.playhead.playedSamples);
        this.flushes.get(message.requestId)?.(message.playhead);
        const rate = this.audioContext?.sampleRate ?? REALTIME_SAMPLE_RATE;
        this.events.emit('flushed', {
          position: message.playhead ? this.toPosition(message.playhead) : null,
          silentFrom: message.frame / rate,
        });
        break;
      }
      case 'level':
        this.events.emit('level', { rms: message.rms, peak: message.peak });
        break;
      case 'stats':
        this.counters = {
          underruns: message.underruns,
          starvedFrames: message.starvedFrames,
          droppedChunks: message.droppedChunks,
        };
        break;
    }
  }

  private remember(itemId: string, playedSamples: number): void {
    this.positions.delete(itemId);
    this.positions.set(itemId, playedSamples);
    if (this.positions.size > REMEMBERED_POSITIONS) {
      const oldest = this.positions.keys().next().value;
      if (oldest !== undefined) this.positions.delete(oldest);
    }
  }

  private toPosition(playhead: WorkletPlayhead): PlaybackPosition {
    return {
      itemId: playhead.itemId,
      playedSamples: playhead.playedSamples,
      outputLatencyMs: this.audioContext ? outputLatencyMs(this.audioContext) : 0,
    };
  }

  private async release(): Promise<void> {
    this.removeUnlock();
    this.removeUnlock = () => undefined;
    this.unwatchContext();
    this.unwatchContext = () => undefined;
    for (const finish of [...this.flushes.values()]) finish(null);
    if (this.node) {
      this.node.port.onmessage = null;
      this.node.port.postMessage({ type: 'dispose' } satisfies PlaybackCommand);
      this.node.port.close();
      this.node.disconnect();
      this.node = null;
    }
    this.gain?.disconnect();
    this.gain = null;
    this.streamDestination?.disconnect();
    this.streamDestination = null;
    if (this.element) {
      this.element.pause();
      this.element.srcObject = null;
      this.element = null;
    }
    this.pending.length = 0;
    const context = this.audioContext;
    this.audioContext = null;
    if (context && this.ownsContext && context.state !== 'closed') {
      await context.close().catch(() => undefined);
    }
  }

  private setState(state: PlayerState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.events.emit('state', state);
  }
}

function clampVolume(volume: number): number {
  if (!Number.isFinite(volume)) throw new RangeError(`volume must be a number, got ${volume}`);
  return Math.min(1, Math.max(0, volume));
}

function hasSetSinkId(target: object): target is { setSinkId(sinkId: string): Promise<void> } {
  return typeof (target as { setSinkId?: unknown }).setSinkId === 'function';
}
