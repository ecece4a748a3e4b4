// The capture AudioWorkletProcessor: downmix to mono, resample to 24 kHz, cut PCM16 frames and
// transfer them to the main thread, report input level and an energy voice-activity hint.
// Bundled by esbuild into the self-contained `dist/worklets/capture.js`.
import { LevelMeter } from '../dsp/level-meter.js';
import { Pcm16Framer } from '../dsp/pcm16-framer.js';
import { createStreamResampler, type StreamResampler } from '../dsp/stream-resampler.js';
import { EnergyVoiceActivity } from '../dsp/voice-activity.js';
import {
  CAPTURE_PROCESSOR,
  type CaptureCommand,
  type CaptureMessage,
  type CaptureProcessorOptions,
} from './messages.js';
import { scope, type WorkletNodeOptions } from './worklet-scope.js';

/** Quanta without input channels before the main thread hears that input was lost (~0.5 s). */
const LOST_INPUT_QUANTA = 200;

class CaptureProcessor extends scope.AudioWorkletProcessor {
  private readonly targetRate: number;
  private readonly resampler: StreamResampler | null;
  private framer: Pcm16Framer;
  private readonly meter: LevelMeter;
  private readonly levelIntervalMs: number;
  private readonly voice = new EnergyVoiceActivity();
  private mono = new Float32Array(128);
  private muted: boolean;
  private sequence = 0;
  /** Context time of the first sample of the block being pushed, and its index in frame samples. */
  private blockTime = 0;
  private blockFirstIndex = 0;
  private pushedSamples = 0;
  private quantaWithoutInput = 0;
  private started = false;
  private disposed = false;

  constructor(options: WorkletNodeOptions<CaptureProcessorOptions>) {
    super();
    const settings = options.processorOptions;
    if (!settings) throw new Error('parley-capture needs processorOptions');
    this.targetRate = settings.targetRate;
    this.levelIntervalMs = settings.levelIntervalMs;
    this.muted = settings.muted;
    this.resampler =
      scope.sampleRate === this.targetRate
        ? null
        : createStreamResampler(scope.sampleRate, this.targetRate);
    this.framer = this.createFramer(settings.frameSamples);
    this.meter = new LevelMeter(scope.sampleRate, this.levelIntervalMs);
    this.port.onmessage = (event: MessageEvent<CaptureCommand>) => this.command(event.data);
  }

  process(inputs: Float32Array[][]): boolean {
    if (this.disposed) return false;
    const channels = inputs[0];
    const first = channels?.[0];
    if (!channels || !first) {
      if (++this.quantaWithoutInput === LOST_INPUT_QUANTA) this.post({ type: 'inputLost' });
      // Before any input there is nothing to keep in time with. Once capture has begun, a quantum
      // without channels (a source briefly without data) is silence: skipping it would shorten
      // the stream and shift every later frame against the audio clock.
      if (!this.started) return true;
      this.mono.fill(0);
      this.capture(this.mono, this.mono.length);
      return true;
    }
    this.started = true;
    this.quantaWithoutInput = 0;
    const length = first.length;
    if (this.mono.length !== length) this.mono = new Float32Array(length);
    const mono = this.mono;
    if (channels.length === 1) {
      mono.set(first);
    } else {
      const scale = 1 / channels.length;
      mono.fill(0);
      for (const channel of channels) {
        for (let index = 0; index < length; index++) mono[index]! += channel[index]! * scale;
      }
    }

    this.capture(mono, length);
    return true;
  }

  private capture(mono: Float32Array, length: number): void {
    const reading = this.meter.push(mono, length);
    if (reading) {
      const speaking = this.voice.update(reading.rms, this.levelIntervalMs);
      this.post({
        type: 'level',
        rms: reading.rms,
        peak: reading.peak,
        speaking,
        time: scope.currentTime,
      });
    }
    if (this.muted) return;

    const resampled = this.resampler ? this.resampler.process(mono) : mono;
    this.blockTime = scope.currentTime;
    this.blockFirstIndex = this.pushedSamples;
    this.pushedSamples += resampled.length;
    this.framer.push(resampled);
  }

  private createFramer(frameSamples: number): Pcm16Framer {
    return new Pcm16Framer(frameSamples, (samples, firstIndex) => {
      const captureTime = this.blockTime + (firstIndex - this.blockFirstIndex) / this.targetRate;
      const message: CaptureMessage = {
        type: 'frame',
        samples,
        sequence: ++this.sequence,
        captureTime,
      };
      this.port.postMessage(message, [samples.buffer]);
    });
  }

  private command(command: CaptureCommand): void {
    switch (command.type) {
      case 'mute':
        this.muted = command.muted;
        // Audio from before a mute must not be sent after the unmute.
        this.framer.discard();
        break;
      case 'flush':
        this.framer.flush();
        break;
      case 'frameSamples':
        this.framer.flush();
        this.framer = this.createFramer(command.frameSamples);
        break;
      case 'dispose':
        this.disposed = true;
        break;
    }
  }

  private post(message: CaptureMessage): void {
    this.port.postMessage(message);
  }
}

scope.registerProcessor(CAPTURE_PROCESSOR, CaptureProcessor);
