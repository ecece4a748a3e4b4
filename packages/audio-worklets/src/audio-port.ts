import { isParleyError } from '@parley/core';
import type {
  AudioLevels,
  AudioPort,
  AudioPortEvents,
  EnqueueOptions,
  ParleyError,
  PlaybackPosition,
} from '@parley/core';
import { createAudioContext, type ContextSampleRate } from './audio-context.js';
import { Emitter } from './emitter.js';
import {
  createMicrophone,
  type InputLevel,
  type Microphone,
  type MicrophoneOptions,
} from './microphone.js';
import { createPlayer, type OutputLevel, type Player, type PlayerOptions } from './player.js';

/** Options of {@link createAudioPort}. */
export interface AudioPortOptions {
  /** Microphone options (`context`, `sampleRate` and `workletUrl` are set by the port). */
  microphone?: Omit<MicrophoneOptions, 'context' | 'sampleRate'>;
  /** Player options (`context` and `sampleRate` are set by the port). */
  player?: Omit<PlayerOptions, 'context' | 'sampleRate'>;
  /**
   * Rate of the shared AudioContext (default `'device'`: the hardware rate, and the worklets
   * resample to and from 24 kHz). Where the browser cannot connect a microphone to a context at a
   * requested rate (Firefox), the port falls back to the device rate.
   */
  sampleRate?: ContextSampleRate;
  /** Play only: no microphone is opened (e.g. a listen-only widget). */
  outputOnly?: boolean;
}

/** Lifecycle of an {@link ParleyAudioPort}. */
export type AudioPortState =
  | 'idle'
  | 'starting'
  | 'running'
  /** Running, but the browser holds audio until a user gesture (autoplay rules, iOS): call `unlock()` from a click. */
  | 'blocked'
  | 'stopped'
  | 'error';

/** Core's {@link AudioPort} plus what an app's UI needs: state, devices, volume, the parts. */
export interface ParleyAudioPort extends AudioPort {
  readonly state: AudioPortState;
  /** The last start failure or runtime error, null while all is well. */
  readonly error: Error | null;
  /** The microphone (null when `outputOnly`). */
  readonly microphone: Microphone | null;
  readonly player: Player;
  /** The shared AudioContext (null before `start()`). */
  readonly context: AudioContext | null;
  /** Subscribes to state changes. Returns the unsubscribe function. */
  onStateChange(listener: (state: AudioPortState) => void): () => void;
  /** Resumes audio held by autoplay rules; call from a click handler. Resolves true when audio runs. */
  unlock(): Promise<boolean>;
  /** Switches the microphone while running, without reconnecting. */
  setInputDevice(deviceId: string | undefined): Promise<void>;
  /** Selects the speaker. */
  setOutputDevice(sinkId: string): Promise<void>;
  setVolume(volume: number): void;
}

const LEVELS_INTERVAL_MS = 1000 / 30;

/**
 * Creates the browser implementation of core's `AudioPort`: microphone capture and speaker
 * playback in one AudioContext, both through AudioWorklets.
 *
 * @example
 * ```ts
 * import { createVoiceSession } from '@parley/core';
 * import { createAudioPort } from '@parley/audio-worklets';
 *
 * const audio = createAudioPort({ microphone: { echoCancellation: true }, player: { volume: 0.9 } });
 * const session = createVoiceSession({ audio, credentials, transport });
 * button.onclick = () => session.connect(); // starts audio inside the click: iOS unlocks too
 * ```
 */
export function createAudioPort(options: AudioPortOptions = {}): ParleyAudioPort {
  return new WorkletAudioPort(options);
}

class WorkletAudioPort implements ParleyAudioPort {
  private readonly events = new Emitter<AudioPortEvents>();
  private readonly stateListeners = new Emitter<{ state: (state: AudioPortState) => void }>();
  private currentState: AudioPortState = 'idle';
  private lastError: Error | null = null;
  private readonly mic: Microphone | null;
  private readonly speaker: Player;
  private audioContext: AudioContext | null = null;
  private inputLevel: InputLevel = { rms: 0, peak: 0, speaking: false };
  private outputLevel: OutputLevel = { rms: 0, peak: 0 };
  private lastLevelsAt = Number.NEGATIVE_INFINITY;
  private trailingLevels: ReturnType<typeof setTimeout> | undefined;
  private starting: Promise<void> | null = null;

  constructor(private readonly options: AudioPortOptions) {
    this.speaker = createPlayer(options.player);
    this.speaker.on('started', (itemId) => this.events.emit('playbackStarted', itemId));
    this.speaker.on('idle', (position) => this.events.emit('playbackIdle', position));
    this.speaker.on('level', (level) => {
      this.outputLevel = level;
      this.emitLevels();
    });
    this.speaker.on('error', (error) => this.fail(error));
    this.speaker.on('state', (state) => {
      if (state === 'running' && this.currentState === 'blocked') this.setState('running');
      if (state === 'blocked' && this.currentState === 'running') this.setState('blocked');
    });
    if (options.outputOnly) {
      this.mic = null;
      return;
    }
    // The microphone creates the shared context: it knows whether the browser can connect the
    // device at the requested rate (Firefox cannot) and falls back to the device rate if not.
    this.mic = createMicrophone({ ...options.microphone, sampleRate: options.sampleRate });
    this.mic.on('frame', ({ samples }) => this.events.emit('frame', samples));
    this.mic.on('level', (level) => {
      this.inputLevel = level;
      this.emitLevels();
    });
    this.mic.on('error', (error) => this.fail(error));
  }

  get state(): AudioPortState {
    return this.currentState;
  }

  get error(): Error | null {
    return this.lastError;
  }

  get microphone(): Microphone | null {
    return this.mic;
  }

  get player(): Player {
    return this.speaker;
  }

  get context(): AudioContext | null {
    return this.audioContext;
  }

  on<K extends keyof AudioPortEvents>(event: K, listener: AudioPortEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  onStateChange(listener: (state: AudioPortState) => void): () => void {
    return this.stateListeners.on('state', listener);
  }

  start(): Promise<void> {
    if (this.currentState === 'running' || this.currentState === 'blocked')
      return Promise.resolve();
    this.starting ??= this.open().finally(() => {
      this.starting = null;
    });
    return this.starting;
  }

  async stop(): Promise<void> {
    await this.starting?.catch(() => undefined);
    await this.close();
    this.setState('stopped');
  }

  setInputMuted(muted: boolean): void {
    this.mic?.setMuted(muted);
  }

  enqueue(itemId: string, pcm16: Int16Array, options?: EnqueueOptions): void {
    this.speaker.enqueue(itemId, pcm16, options);
  }

  flush(): Promise<PlaybackPosition | null> {
    return this.speaker.flush();
  }

  position(itemId: string): PlaybackPosition | null {
    return this.speaker.position(itemId);
  }

  async unlock(): Promise<boolean> {
    const running = await this.speaker.unlock();
    if (running && this.currentState === 'blocked') this.setState('running');
    return running;
  }

  setInputDevice(deviceId: string | undefined): Promise<void> {
    return this.mic ? this.mic.setDevice(deviceId) : Promise.resolve();
  }

  setOutputDevice(sinkId: string): Promise<void> {
    return this.speaker.setSinkId(sinkId);
  }

  setVolume(volume: number): void {
    this.speaker.setVolume(volume);
  }

  private async open(): Promise<void> {
    this.setState('starting');
    this.lastError = null;
    let refused: ParleyError | null = null;
    try {
      let context: AudioContext;
      if (this.mic) {
        refused = await this.mic.start().then(
          () => null,
          (error: unknown) => {
            if (isParleyError(error) && error.reason === 'permission') return error;
            throw error;
          },
        );
        context = this.mic.context ?? createAudioContext(this.options.sampleRate);
      } else {
        context = createAudioContext(this.options.sampleRate);
      }
      this.audioContext = context;
      await this.speaker.start(context);
      this.setState(this.speaker.state === 'blocked' ? 'blocked' : 'running');
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      await this.close();
      this.lastError = failure;
      this.setState('error');
      throw failure;
    }
    if (refused) {
      // The microphone was refused but the speaker runs: the conversation can go on by typing and
      // the replies are still heard. The rejection tells the session why nothing is sent.
      this.lastError = refused;
      throw refused;
    }
  }

  private async close(): Promise<void> {
    clearTimeout(this.trailingLevels);
    this.trailingLevels = undefined;
    await this.speaker.stop();
    // The microphone owns the shared context and closes it last; when it was refused, the speaker
    // ran on a context of the port's own, closed here.
    const micOwnsContext = this.mic !== null && this.mic.context === this.audioContext;
    if (this.mic) await this.mic.stop();
    if (!micOwnsContext && this.audioContext && this.audioContext.state !== 'closed') {
      await this.audioContext.close().catch(() => undefined);
    }
    this.audioContext = null;
    this.inputLevel = { rms: 0, peak: 0, speaking: false };
    this.outputLevel = { rms: 0, peak: 0 };
  }

  private fail(error: Error): void {
    this.lastError = error;
    this.events.emit('error', error);
  }

  private emitLevels(): void {
    const now = performance.now();
    const wait = LEVELS_INTERVAL_MS * 0.9 - (now - this.lastLevelsAt);
    // Input and output readings each come at up to 30 Hz; together they must not exceed it. A
    // reading that arrives too soon is sent a little later, so the last one (often the zero
    // reading when sound stops) is never lost.
    if (wait > 0) {
      this.trailingLevels ??= setTimeout(() => {
        this.trailingLevels = undefined;
        this.emitLevels();
      }, wait);
      return;
    }
    this.lastLevelsAt = now;
    const levels: AudioLevels = {
      input: { rms: this.inputLevel.rms, peak: this.inputLevel.peak },
      output: { rms: this.outputLevel.rms, peak: this.outputLevel.peak },
      inputSpeaking: this.inputLevel.speaking,
    };
    this.events.emit('levels', levels);
  }

  private setState(state: AudioPortState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.stateListeners.emit('state', state);
  }
}
