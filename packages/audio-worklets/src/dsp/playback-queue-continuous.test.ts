import { describe, expect, it } from 'vitest';
import { PlaybackQueue } from './playback-queue.js';

// A continuous track (GPT-Live's output): 100 ms chunks at real time, zero-filled between
// replies, never draining. Frames are simulated (24 kHz in and out, 128-frame render quanta).

const QUANTUM = 128;
const CHUNK = 2400; // 100 ms
const PREROLL = 960; // 40 ms
const MARGIN = 240; // LAG_MARGIN_MS

interface Arrival {
  /** Output frame at which the chunk reaches the worklet. */
  at: number;
  /** Sample value of the whole chunk (0: silence). */
  value: number;
}

/**
 * Renders the stream: before each quantum, every chunk due by then is enqueued (messages are
 * handled between quanta). Returns the output and the frame each chunk was enqueued at.
 */
function play(queue: PlaybackQueue, arrivals: Arrival[], continuous: boolean) {
  const end = arrivals.at(-1)!.at + 4 * CHUNK;
  const output = new Float32Array(Math.ceil(end / QUANTUM) * QUANTUM);
  const enqueuedAt: number[] = [];
  let next = 0;
  for (let frame = 0; frame < output.length; frame += QUANTUM) {
    while (next < arrivals.length && arrivals[next]!.at <= frame) {
      const chunk = new Float32Array(CHUNK).fill(arrivals[next]!.value);
      queue.enqueue('track', chunk, CHUNK, frame, continuous);
      enqueuedAt.push(frame);
      next++;
    }
    queue.render(output.subarray(frame, frame + QUANTUM), frame, () => undefined);
  }
  return { output, enqueuedAt };
}

/** Output frames from a chunk's arrival to the first sample of it heard. */
function lagOf(output: Float32Array, arrivedAt: number, value: number): number {
  return output.indexOf(value, arrivedAt) - arrivedAt;
}

/** `count` chunks due every 100 ms from frame 0, each `late(index)` frames late. */
function stream(count: number, value: (index: number) => number, late = (_: number) => 0) {
  return Array.from({ length: count }, (_, index) => ({
    at: index * CHUNK + late(index),
    value: value(index),
  }));
}

const speechAt = (from: number) => (index: number) => (index >= from ? 0.5 : 0);

/**
 * Lag of a reply at chunk `replyAt` (>= 20) of a stream whose track is flushed at chunk 20 (a
 * barge-in; the model's track goes on under a new id).
 */
function replyLagAfterFlush(replyAt: number): number {
  const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
  const arrivals = stream(replyAt + 4, speechAt(replyAt));
  const output = new Float32Array((replyAt + 8) * CHUNK);
  let arrivedAt = -1;
  for (let frame = 0, next = 0; frame < output.length; frame += QUANTUM) {
    while (next < arrivals.length && arrivals[next]!.at <= frame) {
      if (next === 20) queue.flush();
      const itemId = next < 20 ? 'track_1' : 'track_2';
      const chunk = new Float32Array(CHUNK).fill(arrivals[next]!.value);
      queue.enqueue(itemId, chunk, CHUNK, frame, true);
      if (next === replyAt) arrivedAt = frame;
      next++;
    }
    queue.render(output.subarray(frame, frame + QUANTUM), frame, () => undefined);
  }
  return lagOf(output, arrivedAt, 0.5);
}

describe('PlaybackQueue: a continuous track', () => {
  it("skips the silence it does not need, so a reply plays within the margin of its chunk's arrival", () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
    const arrivals = stream(24, speechAt(20));
    const { output, enqueuedAt } = play(queue, arrivals, true);
    const lag = lagOf(output, enqueuedAt[20]!, 0.5);
    // The pre-roll's 40 ms is given back on silence: margin plus a quantum, not 960 frames.
    expect(lag).toBeLessThanOrEqual(MARGIN + QUANTUM);
    expect(queue.skippedFrames).toBeGreaterThan(0);
    expect(queue.underruns).toBe(0);
    // The reply is played whole, and the skipped silence counts as played on the track.
    expect(output.filter((sample) => sample === 0.5)).toHaveLength(4 * CHUNK);
    expect(queue.position('track')!.playedSamples + queue.buffered).toBe(24 * CHUNK);
  });

  it('keeps the pre-roll as lag without the continuous flag (a reply sent as fast as it is made)', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
    const { output, enqueuedAt } = play(queue, stream(24, speechAt(20)), false);
    expect(lagOf(output, enqueuedAt[20]!, 0.5)).toBeGreaterThanOrEqual(PREROLL);
    expect(queue.skippedFrames).toBe(0);
  });

  it('gives back lag built up by a burst, on silence only', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
    // The first three chunks at once, 200 ms late (held input sent together moves the timeline
    // 300 ms at once): 200 ms queued ahead of every later chunk, for good without skipping. Kept
    // while the late chunk is among the last 32 (it may come again), given back after.
    const late = (index: number) => (index < 3 ? (2 - index) * CHUNK : 0);
    const arrivals = stream(40, speechAt(36), late);
    const { output, enqueuedAt } = play(queue, arrivals, true);
    expect(queue.skippedFrames).toBeGreaterThanOrEqual(2 * CHUNK - MARGIN - QUANTUM);
    expect(lagOf(output, enqueuedAt[36]!, 0.5)).toBeLessThanOrEqual(MARGIN + QUANTUM);
    expect(output.filter((sample) => sample === 0.5)).toHaveLength(4 * CHUNK);
  });

  it('plays a reply right after a flush without the pre-roll once the stream has shown its timing', () => {
    expect(replyLagAfterFlush(26)).toBeLessThanOrEqual(MARGIN + QUANTUM);
  });

  it('plays a reply that comes with the first chunk after a flush without the pre-roll', () => {
    // GPT-Live: the barge-in shows in the user's transcript, sent when their turn ends, right
    // before the answer; the flush lands just ahead of the answer's first chunk.
    // Arrivals are seen at quantum boundaries: up to a quantum of lateness each way.
    expect(replyLagAfterFlush(20)).toBeLessThanOrEqual(MARGIN + 2 * QUANTUM);
  });

  it('keeps the lag that late chunks need: no underrun when every fifth chunk is 30 ms late', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
    const late = (index: number) => (index % 5 === 4 ? 720 : 0);
    const arrivals = stream(60, (index) => (index % 10 >= 6 ? 0.5 : 0), late);
    const { output, enqueuedAt } = play(queue, arrivals, true);
    expect(queue.underruns).toBe(0);
    // Every chunk of speech is heard whole.
    expect(output.filter((sample) => sample === 0.5)).toHaveLength(24 * CHUNK);
    // Lag kept for the 30 ms lateness plus the margin, but the rest of the pre-roll is shed.
    const lag = lagOf(output, enqueuedAt[56]!, 0.5);
    expect(lag).toBeGreaterThanOrEqual(720);
    expect(lag).toBeLessThan(PREROLL + 720);
  });

  it('never skips speech: a track that only speaks keeps its pre-roll', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
    const { output } = play(
      queue,
      stream(20, () => 0.5),
      true,
    );
    expect(queue.skippedFrames).toBe(0);
    expect(output.filter((sample) => sample === 0.5)).toHaveLength(20 * CHUNK);
  });
});
