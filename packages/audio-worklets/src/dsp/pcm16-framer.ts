import { floatToPcm16 } from '@parley/core';

/**
 * Cuts a stream of float samples into PCM16 frames of a fixed length. Each full frame is a fresh
 * `Int16Array` handed to `onFrame`, which may transfer its buffer: the framer never touches it again.
 */
export class Pcm16Framer {
  private frame: Int16Array;
  private filled = 0;
  private firstSampleIndex = 0;
  private samplesSeen = 0;

  constructor(
    readonly frameSamples: number,
    private readonly onFrame: (frame: Int16Array, firstSampleIndex: number) => void,
  ) {
    if (!Number.isInteger(frameSamples) || frameSamples <= 0) {
      throw new RangeError(`frameSamples must be a positive integer, got ${frameSamples}`);
    }
    this.frame = new Int16Array(frameSamples);
  }

  /** Samples waiting for the current frame to fill. */
  get pending(): number {
    return this.filled;
  }

  /**
   * Appends `length` samples of `samples`. `firstSampleIndex` in `onFrame` counts samples pushed
   * since creation, so a caller can map a frame back to the time its first sample was captured.
   */
  push(samples: Float32Array, length: number = samples.length): void {
    let offset = 0;
    while (offset < length) {
      if (this.filled === 0) this.firstSampleIndex = this.samplesSeen;
      const count = Math.min(length - offset, this.frameSamples - this.filled);
      // Core's conversion (rounding half away from zero, NaN to silence), written in place.
      floatToPcm16(
        samples.subarray(offset, offset + count),
        this.frame.subarray(this.filled, this.filled + count),
      );
      this.filled += count;
      this.samplesSeen += count;
      offset += count;
      if (this.filled === this.frameSamples) this.emit(this.frameSamples);
    }
  }

  /** Emits the partial frame (shorter than `frameSamples`) if there is one. */
  flush(): void {
    if (this.filled > 0) this.emit(this.filled);
  }

  /** Drops the partial frame. */
  discard(): void {
    this.filled = 0;
  }

  private emit(length: number): void {
    const full = this.frame;
    this.frame = new Int16Array(this.frameSamples);
    this.filled = 0;
    this.onFrame(length === full.length ? full : full.slice(0, length), this.firstSampleIndex);
  }
}
