/** Settings of the energy VAD, in the terms of the Realtime `turn_detection` object. */
export interface VadSettings {
  /** 0..1 like the real server's threshold; mapped to an energy level of -60 dBFS (0) to -10 dBFS (1). */
  threshold: number;
  prefixPaddingMs: number;
  silenceDurationMs: number;
}

/** A VAD transition, with positions in samples on the session-wide input timeline. */
export type VadEvent =
  | { type: 'speech_started'; startSample: number; detectedAtSample: number }
  | { type: 'speech_stopped'; endSample: number };

/** Minimum speech run that starts a turn, so single clicks do not. */
const ONSET_MS = 30;
const FRAME_MS = 10;

/** The dBFS level a Realtime threshold stands for. */
export function thresholdToDbfs(threshold: number): number {
  return -60 + Math.min(1, Math.max(0, threshold)) * 50;
}

/**
 * Energy-based voice activity detection over 10 ms frames. Positions are counted on one
 * timeline across all appended audio (the session-wide timeline `audio_start_ms` and
 * `audio_end_ms` use), so turn boundaries do not depend on how the client chunks its audio.
 */
export class EnergyVad {
  private readonly frameSamples: number;
  private readonly onsetFrames: number;
  private settings: VadSettings;
  private energyFloor: number;
  private frame: Float64Array;
  private frameFill = 0;
  private frameStartSample = 0;
  private speechRun = 0;
  private silenceRun = 0;
  private inSpeech = false;
  private runStartSample = 0;
  private lastSpeechEndSample = 0;

  constructor(
    private readonly sampleRate: number,
    settings: VadSettings,
    startSample = 0,
  ) {
    this.frameSamples = Math.round((sampleRate * FRAME_MS) / 1000);
    this.onsetFrames = Math.ceil(ONSET_MS / FRAME_MS);
    this.settings = settings;
    this.energyFloor = this.levelFor(settings.threshold);
    this.frame = new Float64Array(1);
    this.frameStartSample = startSample;
  }

  private levelFor(threshold: number): number {
    // Mean square of a full-scale-normalized signal at the threshold's dBFS.
    return Math.pow(10, thresholdToDbfs(threshold) / 10);
  }

  /** Changes the settings mid-stream (a `session.update`); speech in progress continues. */
  configure(settings: VadSettings): void {
    this.settings = settings;
    this.energyFloor = this.levelFor(settings.threshold);
  }

  /** True while a turn is open (after `speech_started`, before `speech_stopped`). */
  get speaking(): boolean {
    return this.inSpeech;
  }

  /** Forgets an open turn (after a clear or a manual commit). */
  reset(atSample: number): void {
    this.inSpeech = false;
    this.speechRun = 0;
    this.silenceRun = 0;
    this.frameFill = 0;
    this.frameStartSample = atSample;
    this.frame[0] = 0;
  }

  /**
   * Feeds linear samples that start at `startSample` on the timeline; returns the transitions
   * they caused, in order. `bufferStartSample` bounds the prefix padding (it never reaches before
   * the current buffer).
   */
  push(samples: Int16Array, startSample: number, bufferStartSample: number): VadEvent[] {
    const events: VadEvent[] = [];
    if (this.frameFill === 0) this.frameStartSample = startSample;
    let sum = this.frame[0]!;
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i]! / 32768;
      sum += s * s;
      this.frameFill++;
      if (this.frameFill === this.frameSamples) {
        const frameEnd = this.frameStartSample + this.frameSamples;
        this.onFrame(
          sum / this.frameSamples,
          this.frameStartSample,
          frameEnd,
          bufferStartSample,
          events,
        );
        sum = 0;
        this.frameFill = 0;
        this.frameStartSample = frameEnd;
      }
    }
    this.frame[0] = sum;
    return events;
  }

  private onFrame(
    energy: number,
    frameStart: number,
    frameEnd: number,
    bufferStart: number,
    events: VadEvent[],
  ): void {
    const voiced = energy >= this.energyFloor;
    const msToSamples = (ms: number) => Math.round((ms * this.sampleRate) / 1000);
    if (!this.inSpeech) {
      if (voiced) {
        if (this.speechRun === 0) this.runStartSample = frameStart;
        this.speechRun++;
        if (this.speechRun >= this.onsetFrames) {
          this.inSpeech = true;
          this.silenceRun = 0;
          this.lastSpeechEndSample = frameEnd;
          const start = Math.max(
            bufferStart,
            this.runStartSample - msToSamples(this.settings.prefixPaddingMs),
          );
          events.push({ type: 'speech_started', startSample: start, detectedAtSample: frameEnd });
        }
      } else this.speechRun = 0;
      return;
    }
    if (voiced) {
      this.silenceRun = 0;
      this.lastSpeechEndSample = frameEnd;
      return;
    }
    this.silenceRun++;
    if (frameEnd - this.lastSpeechEndSample >= msToSamples(this.settings.silenceDurationMs)) {
      this.inSpeech = false;
      this.speechRun = 0;
      this.silenceRun = 0;
      events.push({ type: 'speech_stopped', endSample: frameEnd });
    }
  }
}

/** Pause that ends a turn under `semantic_vad`, by eagerness (an approximation of the model). */
export function semanticSilenceMs(eagerness: 'low' | 'medium' | 'high' | 'auto'): number {
  return eagerness === 'high' ? 250 : eagerness === 'low' ? 1200 : 600;
}
