import type { AudioPort, AudioPortEvents, PlaybackPosition } from '@parley/core';

/**
 * An AudioPort for Node tests: the speaker renders queued audio at real time from the first
 * enqueue of each item (so "heard" trails "received" as in a browser), and the microphone is fed
 * by the test in 20 ms frames.
 */
export class PacedAudioPort implements AudioPort {
  private readonly items = new Map<string, { startedAt: number; enqueued: number }>();
  private playing: string | null = null;
  private readonly listeners: { [K in keyof AudioPortEvents]: Set<AudioPortEvents[K]> } = {
    frame: new Set(),
    playbackStarted: new Set(),
    playbackIdle: new Set(),
    levels: new Set(),
    error: new Set(),
  };

  start(): Promise<void> {
    return Promise.resolve();
  }
  stop(): Promise<void> {
    return Promise.resolve();
  }
  setInputMuted(): void {}

  enqueue(itemId: string, pcm16: Int16Array): void {
    const item = this.items.get(itemId);
    if (item) item.enqueued += pcm16.length;
    else {
      this.items.set(itemId, { startedAt: performance.now(), enqueued: pcm16.length });
      for (const listener of this.listeners.playbackStarted) listener(itemId);
    }
    this.playing = itemId;
  }

  flush(): Promise<PlaybackPosition | null> {
    const itemId = this.playing;
    const position = itemId === null ? null : this.position(itemId);
    if (itemId !== null) this.items.get(itemId)!.enqueued = position!.playedSamples;
    this.playing = null;
    return Promise.resolve(position);
  }

  position(itemId: string): PlaybackPosition | null {
    const item = this.items.get(itemId);
    if (!item) return null;
    const playedSamples = Math.min(
      item.enqueued,
      Math.floor((performance.now() - item.startedAt) * 24),
    );
    return { itemId, playedSamples, outputLatencyMs: 0 };
  }

  on<K extends keyof AudioPortEvents>(event: K, listener: AudioPortEvents[K]): () => void {
    const set = this.listeners[event] as Set<AudioPortEvents[K]>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Feeds 24 kHz PCM16 (little-endian bytes) to the session as microphone frames. */
  speak(pcm: Buffer): void {
    for (let offset = 0; offset + 960 <= pcm.length; offset += 960) {
      const frame = new Int16Array(480);
      for (let i = 0; i < 480; i++) frame[i] = pcm.readInt16LE(offset + i * 2);
      for (const listener of this.listeners.frame) listener(frame);
    }
  }
}
