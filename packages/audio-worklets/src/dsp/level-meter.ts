/** One level reading: RMS and peak of the samples since the previous reading, both 0..1. */
export interface LevelReading {
  rms: number;
  peak: number;
}

/**
 * Accumulates RMS and peak over fixed windows and hands out one reading per window, so the audio
 * thread posts at most `1000 / windowMs` messages a second however small its blocks are.
 */
export class LevelMeter {
  private readonly windowSamples: number;
  private sumOfSquares = 0;
  private peak = 0;
  private count = 0;

  constructor(sampleRate: number, windowMs: number) {
    this.windowSamples = Math.max(1, Math.round((sampleRate * windowMs) / 1000));
  }

  /** Adds `length` samples of `block`; returns a reading when a window completed, else null. */
  push(block: Float32Array, length: number = block.length): LevelReading | null {
    let reading: LevelReading | null = null;
    for (let index = 0; index < length; index++) {
      const sample = block[index] ?? 0;
      this.sumOfSquares += sample * sample;
      const magnitude = sample < 0 ? -sample : sample;
      if (magnitude > this.peak) this.peak = magnitude;
      if (++this.count === this.windowSamples) {
        reading = {
          rms: Math.min(1, Math.sqrt(this.sumOfSquares / this.count)),
          peak: Math.min(1, this.peak),
        };
        this.sumOfSquares = 0;
        this.peak = 0;
        this.count = 0;
      }
    }
    return reading;
  }

  /** Forgets the partial window. */
  reset(): void {
    this.sumOfSquares = 0;
    this.peak = 0;
    this.count = 0;
  }
}
