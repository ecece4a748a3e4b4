import {
  REALTIME_SAMPLE_RATE,
  connectStreamSource,
  createAudioContext,
  loadWorkletModule,
  resumeWithin,
  type ContextSampleRate,
} from './audio-context.js';
import { Emitter } from './emitter.js';
import { AudioErrorCode, audioError, microphoneError } from './errors.js';
import { defaultCaptureWorkletUrl } from './worklet-urls.js';
import {
  CAPTURE_PROCESSOR,
  type CaptureCommand,
  type CaptureMessage,
  type CaptureProcessorOptions,
} from './worklets/messages.js';

/** Options of {@link createMicrophone}. */
export interface MicrophoneOptions {
  /** Input device to open (from {@link listDevices}); the browser's default when omitted. */
  deviceId?: string;
  /** Browser echo cancellation (default true: the agent must not hear itself). */
  echoCancellation?: boolean;
  /** Browser noise suppression (default true). */
  noiseSuppression?: boolean;
  /** Browser automatic gain control (default true). */
  autoGainControl?: boolean;
  /** Frame length in ms, 10–100 (default 20). Frames are 24 kHz PCM16 mono. */
  frameMs?: number;
  /** Start muted: the microphone opens but no frames are delivered. */
  muted?: boolean;
  /** Run in this AudioContext instead of creating one (it must outlive the microphone). */
  context?: AudioContext;
  /** Rate of the AudioContext the microphone creates (default `'device'`: the hardware rate; the worklet resamples). */
  sampleRate?: ContextSampleRate;
  /** URL of the capture worklet module, for apps that serve it themselves (default: the bundled file). */
  workletUrl?: string | URL;
}

/** One microphone frame. */
export interface MicrophoneFrame {
  /** 24 kHz PCM16 mono; the buffer was transferred from the audio thread and is yours. */
  samples: Int16Array;
  /** 1 for the first frame, then counting up (gaps mean nothing was captured, e.g. while muted). */
  sequence: number;
  /** AudioContext time (s) at which the first sample of this frame was captured. */
  captureTime: number;
}

/** Input level, about 30 times a second. */
export interface InputLevel {
  /** RMS, 0..1. */
  rms: number;
  /** Peak magnitude, 0..1. */
  peak: number;
  /** Energy-based hint that someone is speaking (UI only; turn-taking is the server's). */
  speaking: boolean;
}

/** An audio input or output device. */
export interface AudioDevice {
  deviceId: string;
  /** Empty until the user has granted microphone access once (a browser privacy rule). */
  label: string;
  groupId: string;
  kind: 'audioinput' | 'audiooutput';
}

/** Lifecycle of a {@link Microphone}. */
export type MicrophoneState = 'idle' | 'starting' | 'running' | 'stopped' | 'error';

/** Events of a {@link Microphone}. */
export interface MicrophoneEvents {
  frame: (frame: MicrophoneFrame) => void;
  level: (level: InputLevel) => void;
  /** Runtime failures after `start()` resolved (device unplugged and no fallback, worklet crash). */
  error: (error: Error) => void;
  state: (state: MicrophoneState) => void;
  /** The input device changed (hot switch, or fallback after the device went away). */
  device: (deviceId: string | null) => void;
}

/** Microphone capture through the Parley capture worklet. */
export interface Microphone {
  readonly state: MicrophoneState;
  /** The AudioContext in use (null before `start()`). */
  readonly context: AudioContext | null;
  /** The device actually open (from the track settings), null before `start()`. */
  readonly deviceId: string | null;
  readonly muted: boolean;
  /** Opens the device and starts delivering frames. Rejects with a typed `ParleyError`. */
  start(): Promise<void>;
  /** Closes the device (and the AudioContext if the microphone created it). */
  stop(): Promise<void>;
  /**
   * Switches to another input while running, without a gap in the frame sequence or any
   * reconnection: the new device is opened first and swapped in between two render quanta.
   * On failure the old device stays open and this rejects with a typed error.
   */
  setDevice(deviceId: string | undefined): Promise<void>;
  /** Stops (or resumes) frame delivery; the device stays open so unmuting is instant. */
  setMuted(muted: boolean): void;
  /** Delivers the partial frame now (e.g. when push-to-talk is released). */
  flush(): void;
  /** The audio node capturing, to tap the microphone signal (null before `start()`). */
  readonly source: MediaStreamAudioSourceNode | null;
  on<K extends keyof MicrophoneEvents>(event: K, listener: MicrophoneEvents[K]): () => void;
}

/**
 * Lists audio devices. Labels are empty until microphone access was granted once.
 *
 * @example
 * ```ts
 * const inputs = await listDevices('audioinput');
 * await microphone.setDevice(inputs[1]?.deviceId);
 * ```
 */
export async function listDevices(
  kind: 'audioinput' | 'audiooutput' = 'audioinput',
): Promise<AudioDevice[]> {
  if (typeof navigator === 'undefined' || !navigator.mediaDevices?.enumerateDevices) return [];
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((device) => device.kind === kind)
    .map((device) => ({
      deviceId: device.deviceId,
      label: device.label,
      groupId: device.groupId,
      kind,
    }));
}

/** Calls `listener` whenever devices are plugged or unplugged. Returns the unsubscribe function. */
export function watchDevices(listener: () => void): () => void {
  const mediaDevices = typeof navigator === 'undefined' ? undefined : navigator.mediaDevices;
  if (!mediaDevices?.addEventListener) return () => undefined;
  mediaDevices.addEventListener('devicechange', listener);
  return () => mediaDevices.removeEventListener('devicechange', listener);
}

/** Validates a frame length and converts it to 24 kHz samples. */
export function frameSamplesFor(frameMs: number): number {
  if (!Number.isFinite(frameMs) || frameMs < 10 || frameMs > 100) {
    throw new RangeError(`frameMs must be between 10 and 100, got ${frameMs}`);
  }
  return Math.round((frameMs * REALTIME_SAMPLE_RATE) / 1000);
}

/**
 * Creates a microphone: 24 kHz PCM16 mono frames (20 ms by default) from any input device,
 * whatever rate the device or AudioContext runs at.
 *
 * @example
 * ```ts
 * const microphone = createMicrophone({ frameMs: 20 });
 * microphone.on('frame', ({ samples }) => session.sendAudio(samples));
 * microphone.on('level', ({ rms }) => meter.set(rms));
 * await microphone.start(); // rejects with ParleyError { reason: 'permission' | 'audio', code }
 * ```
 */
export function createMicrophone(options: MicrophoneOptions = {}): Microphone {
  return new BrowserMicrophone(options);
}

class BrowserMicrophone implements Microphone {
  private readonly events = new Emitter<MicrophoneEvents>();
  private readonly frameSamples: number;
  private currentState: MicrophoneState = 'idle';
  private audioContext: AudioContext | null = null;
  private ownsContext = false;
  private stream: MediaStream | null = null;
  private sourceNode: MediaStreamAudioSourceNode | null = null;
  private node: AudioWorkletNode | null = null;
  private requestedDeviceId: string | undefined;
  private isMuted: boolean;
  private switching: Promise<void> = Promise.resolve();

  constructor(private readonly options: MicrophoneOptions) {
    this.frameSamples = frameSamplesFor(options.frameMs ?? 20);
    this.requestedDeviceId = options.deviceId;
    this.isMuted = options.muted ?? false;
  }

  get state(): MicrophoneState {
    return this.currentState;
  }

  get context(): AudioContext | null {
    return this.audioContext;
  }

  get source(): MediaStreamAudioSourceNode | null {
    return this.sourceNode;
  }

  get muted(): boolean {
    return this.isMuted;
  }

  get deviceId(): string | null {
    const track = this.stream?.getAudioTracks()[0];
    return track?.getSettings().deviceId ?? this.requestedDeviceId ?? null;
  }

  on<K extends keyof MicrophoneEvents>(event: K, listener: MicrophoneEvents[K]): () => void {
    return this.events.on(event, listener);
  }

  async start(): Promise<void> {
    if (this.currentState === 'running' || this.currentState === 'starting') return;
    this.setState('starting');
    try {
      const stream = await this.openStream(this.requestedDeviceId);
      try {
        let context = this.options.context;
        this.ownsContext = !context;
        context ??= createAudioContext(this.options.sampleRate);
        const connected = await connectStreamSource(context, stream, this.ownsContext);
        this.audioContext = connected.context;
        await loadWorkletModule(
          connected.context,
          this.options.workletUrl ?? defaultCaptureWorkletUrl(),
        );
        const processorOptions: CaptureProcessorOptions = {
          targetRate: REALTIME_SAMPLE_RATE,
          frameSamples: this.frameSamples,
          levelIntervalMs: 1000 / 30,
          muted: this.isMuted,
        };
        const node = new AudioWorkletNode(connected.context, CAPTURE_PROCESSOR, {
          numberOfInputs: 1,
          numberOfOutputs: 0,
          processorOptions,
        });
        node.port.onmessage = (event: MessageEvent<CaptureMessage>) => this.receive(event.data);
        node.onprocessorerror = () => {
          this.events.emit(
            'error',
            audioError(AudioErrorCode.processorFailed, 'The capture worklet failed'),
          );
        };
        connected.source.connect(node);
        this.node = node;
        this.sourceNode = connected.source;
        this.adoptStream(stream);
        if (this.ownsContext) await resumeWithin(connected.context, 500);
        this.setState('running');
      } catch (error) {
        for (const track of stream.getTracks()) track.stop();
        throw error;
      }
    } catch (error) {
      await this.release();
      this.setState('error');
      throw error;
    }
  }

  async stop(): Promise<void> {
    await this.switching.catch(() => undefined);
    await this.release();
    this.setState('stopped');
  }

  setDevice(deviceId: string | undefined): Promise<void> {
    const run = async (): Promise<void> => {
      this.requestedDeviceId = deviceId;
      const context = this.audioContext;
      const node = this.node;
      if (!context || !node || this.currentState !== 'running') return;
      const stream = await this.openStream(deviceId);
      let source: MediaStreamAudioSourceNode;
      try {
        source = context.createMediaStreamSource(stream);
      } catch (error) {
        for (const track of stream.getTracks()) track.stop();
        throw audioError(
          AudioErrorCode.contextFailed,
          'The new microphone could not be connected',
          error,
        );
      }
      // Connect and disconnect in one task: the graph change lands between two render quanta, so
      // the worklet sees one continuous input and its resampler and framer keep their state.
      const previousSource = this.sourceNode;
      const previousStream = this.stream;
      source.connect(node);
      previousSource?.disconnect();
      this.sourceNode = source;
      this.adoptStream(stream);
      if (previousStream) for (const track of previousStream.getTracks()) track.stop();
      this.events.emit('device', this.deviceId);
    };
    const switched = this.switching.catch(() => undefined).then(run);
    this.switching = switched;
    return switched;
  }

  setMuted(muted: boolean): void {
    this.isMuted = muted;
    this.command({ type: 'mute', muted });
  }

  flush(): void {
    this.command({ type: 'flush' });
  }

  private command(command: CaptureCommand): void {
    this.node?.port.postMessage(command);
  }

  private async openStream(deviceId: string | undefined): Promise<MediaStream> {
    if (typeof navigator === 'undefined' || !navigator.mediaDevices?.getUserMedia) {
      throw audioError(
        AudioErrorCode.unsupported,
        'Microphone capture is not available (it needs a secure context: https or localhost)',
      );
    }
    const audio: MediaTrackConstraints = {
      echoCancellation: this.options.echoCancellation ?? true,
      noiseSuppression: this.options.noiseSuppression ?? true,
      autoGainControl: this.options.autoGainControl ?? true,
      channelCount: { ideal: 1 },
    };
    if (deviceId) audio.deviceId = { exact: deviceId };
    try {
      return await navigator.mediaDevices.getUserMedia({ audio });
    } catch (error) {
      throw microphoneError(error, deviceId);
    }
  }

  private adoptStream(stream: MediaStream): void {
    this.stream = stream;
    const track = stream.getAudioTracks()[0];
    if (track) track.onended = () => void this.deviceLost(stream);
  }

  /** The open device went away: fall back to the default device, or report that none is left. */
  private async deviceLost(stream: MediaStream): Promise<void> {
    if (this.stream !== stream || this.currentState !== 'running') return;
    try {
      await this.setDevice(undefined);
    } catch (error) {
      this.events.emit(
        'error',
        audioError(AudioErrorCode.disconnected, 'The microphone was disconnected', error),
      );
    }
  }

  private receive(message: CaptureMessage): void {
    switch (message.type) {
      case 'frame':
        this.events.emit('frame', {
          samples: message.samples,
          sequence: message.sequence,
          captureTime: message.captureTime,
        });
        break;
      case 'level':
        this.events.emit('level', {
          rms: message.rms,
          peak: message.peak,
          speaking: message.speaking,
        });
        break;
      case 'inputLost':
        break;
    }
  }

  private async release(): Promise<void> {
    this.sourceNode?.disconnect();
    this.sourceNode = null;
    if (this.node) {
      this.node.port.onmessage = null;
      this.node.port.postMessage({ type: 'dispose' } satisfies CaptureCommand);
      this.node.port.close();
      this.node.disconnect();
      this.node = null;
    }
    if (this.stream) {
      for (const track of this.stream.getTracks()) {
        track.onended = null;
        track.stop();
      }
      this.stream = null;
    }
    const context = this.audioContext;
    this.audioContext = null;
    if (context && this.ownsContext && context.state !== 'closed') {
      await context.close().catch(() => undefined);
    }
  }

  private setState(state: MicrophoneState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.events.emit('state', state);
  }
}
