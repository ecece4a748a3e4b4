/** Microphone audio held while the session gets ready: 2 s at 24 kHz, the newest kept. */
export const maxHeldSamples = 48_000;

/**
 * What the microphone hears before the session can send audio (the configuration has not landed
 * yet): held, not lost, so the visitor's first words count. At most {@link maxHeldSamples} of the
 * newest audio.
 */
export class HeldAudio {
  private chunks: Int16Array[] = [];
  private samples = 0;

  /** Whether nothing is held (the session never holds an empty frame). */
  get isEmpty(): boolean {
    return this.chunks.length === 0;
  }

  hold(pcm16: Int16Array): void {
    this.chunks.push(pcm16);
    this.samples += pcm16.length;
    while (this.samples > maxHeldSamples && this.chunks.length > 1) {
      this.samples -= this.chunks.shift()?.length ?? 0;
    }
  }

  /** Everything held, oldest first; the buffer is empty afterwards. */
  take(): Int16Array[] {
    const held = this.chunks;
    this.chunks = [];
    this.samples = 0;
    return held;
  }

  clear(): void {
    this.chunks = [];
    this.samples = 0;
  }
}
