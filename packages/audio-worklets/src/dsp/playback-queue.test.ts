import { describe, expect, it } from 'vitest';
import { PlaybackQueue, type PlaybackQueueEvent } from './playback-queue.js';

const QUANTUM = 128;

/** A chunk whose every sample is `value`, `length` samples long, at a 1:1 rate. */
function chunk(length: number, value = 0.5): Float32Array {
  return new Float32Array(length).fill(value);
}

/** Renders `quanta` render quanta from `frame` on, returning the output and the events. */
function render(queue: PlaybackQueue, frame: number, quanta: number) {
  const output = new Float32Array(quanta * QUANTUM);
  const events: PlaybackQueueEvent[] = [];
  for (let index = 0; index < quanta; index++) {
    queue.render(
      output.subarray(index * QUANTUM, (index + 1) * QUANTUM),
      frame + index * QUANTUM,
      (event) => events.push(event),
    );
  }
  return { output, events, nextFrame: frame + quanta * QUANTUM };
}

function nonZero(samples: Float32Array): number {
  return samples.reduce((count, sample) => count + (sample !== 0 ? 1 : 0), 0);
}

describe('PlaybackQueue', () => {
  it('holds audio until the pre-roll time has passed and the pre-roll is buffered, then plays it without gaps', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 }); // 960 frames
    queue.enqueue('item_1', chunk(480), 480, 0); // 20 ms: below the pre-roll
    const before = render(queue, 0, 8); // 1024 frames: waited long enough, but only 20 ms queued
    expect(nonZero(before.output)).toBe(0);
    queue.enqueue('item_1', chunk(480), 480, before.nextFrame);
    const after = render(queue, before.nextFrame, 10);
    expect(nonZero(after.output)).toBe(960);
    expect(Array.from(after.output.subarray(0, 960)).every((sample) => sample === 0.5)).toBe(true);
    expect(after.events[0]).toEqual({ type: 'started', itemId: 'item_1', frame: before.nextFrame });
    expect(after.events.at(-1)).toMatchObject({
      type: 'idle',
      playhead: { itemId: 'item_1', playedSamples: 960 },
    });
  });

  it('waits the pre-roll time when a single chunk under three pre-rolls arrives', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
    queue.enqueue('item_1', chunk(2400), 2400, 0); // 100 ms < 120 ms
    const early = render(queue, 0, 8); // quanta starting at 0..896: all under 960 frames of waiting
    expect(nonZero(early.output)).toBe(0);
    const started = render(queue, early.nextFrame, 1);
    expect(nonZero(started.output)).toBe(128);
  });

  it('starts in the next quantum once a burst of three pre-rolls is queued', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
    queue.enqueue('item_1', chunk(2400), 2400, 0);
    const first = render(queue, 0, 1);
    expect(nonZero(first.output)).toBe(0);
    // A second delta right behind the first (a server streaming faster than real time): 200 ms.
    queue.enqueue('item_1', chunk(2400), 2400, first.nextFrame);
    const second = render(queue, first.nextFrame, 1);
    expect(nonZero(second.output)).toBe(128);
    expect(second.events[0]).toEqual({ type: 'started', itemId: 'item_1', frame: 128 });
    // One delta of three pre-rolls or more starts at once too.
    const large = new PlaybackQueue({ outputRate: 48000, sourceRate: 24000, prerollMs: 40 });
    large.enqueue('item_2', chunk(5760), 2880, 0); // 120 ms at 48 kHz
    expect(nonZero(render(large, 0, 1).output)).toBe(128);
  });

  it('restarts after an underrun at once when a burst arrives, keeping the playhead exact', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
    queue.enqueue('item_1', chunk(2880), 2880, 0);
    const first = render(queue, 0, 30); // plays the 120 ms (2880 frames) and runs dry
    expect(nonZero(first.output)).toBe(2880);
    expect(queue.enqueue('item_1', chunk(3000), 3000, first.nextFrame)).toMatchObject({
      type: 'underrun',
      itemId: 'item_1',
    });
    const second = render(queue, first.nextFrame, 1);
    expect(nonZero(second.output)).toBe(128);
    expect(queue.position('item_1')).toEqual({ itemId: 'item_1', playedSamples: 2880 + 128 });
  });

  it('starts a short final chunk after twice the pre-roll time', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
    queue.enqueue('item_1', chunk(200), 200, 0);
    const waiting = render(queue, 0, 15); // 1920 frames = 2 x 960
    expect(nonZero(waiting.output)).toBe(0);
    const playing = render(queue, waiting.nextFrame, 2);
    expect(nonZero(playing.output)).toBe(200);
  });

  it('rides out any 0-80 ms arrival jitter of 100 ms chunks delivered at 2x real time with a 40 ms pre-roll', () => {
    // Worst cases for a 40 ms pre-roll: the first chunk on time and every later one 80 ms late, or
    // alternating early and late. Chunk i is sent at i * 50 ms; arrival order is kept (one socket).
    const patterns = [
      (index: number) => (index === 0 ? 0 : 80),
      (index: number) => (index % 2 === 0 ? 0 : 80),
      (index: number) => (index % 3) * 40,
    ];
    for (const jitter of patterns) {
      const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
      const arrivals: number[] = [];
      for (let index = 0; index < 30; index++) {
        arrivals.push(Math.max(arrivals.at(-1) ?? 0, index * 50 + jitter(index)));
      }
      const output = new Float32Array(QUANTUM);
      let next = 0;
      let rendered = 0;
      for (let frame = 0; frame < 24 * 4000; frame += QUANTUM) {
        while (next < arrivals.length && arrivals[next]! * 24 <= frame) {
          queue.enqueue('item_1', chunk(2400), 2400, frame);
          next++;
        }
        queue.render(output, frame, () => undefined);
        rendered += nonZero(output);
      }
      expect(queue.underruns).toBe(0);
      expect(rendered).toBe(30 * 2400);
    }
  });

  it('rides out 0-80 ms jitter when a burst started playback at once, from 2x real time up', () => {
    // The first two 100 ms deltas arrive together (start without waiting), then the stream runs
    // at 2x (the slowest a Realtime server streams) or 10x real time with 0-80 ms of jitter each.
    for (const intervalMs of [50, 10]) {
      const patterns = [
        (index: number) => (index <= 1 ? 0 : 80),
        (index: number) => (index % 2 === 0 ? 0 : 80),
        (index: number) => (index % 3) * 40,
      ];
      for (const jitter of patterns) {
        const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
        const arrivals: number[] = [];
        for (let index = 0; index < 30; index++) {
          const nominal = index <= 1 ? 0 : index * intervalMs;
          arrivals.push(Math.max(arrivals.at(-1) ?? 0, nominal + (index <= 1 ? 0 : jitter(index))));
        }
        const output = new Float32Array(QUANTUM);
        let next = 0;
        let rendered = 0;
        let startedAt = -1;
        for (let frame = 0; frame < 24 * 4000; frame += QUANTUM) {
          while (next < arrivals.length && arrivals[next]! * 24 <= frame) {
            queue.enqueue('item_1', chunk(2400), 2400, frame);
            next++;
          }
          queue.render(output, frame, (event) => {
            if (event.type === 'started') startedAt = event.frame;
          });
          rendered += nonZero(output);
        }
        expect(startedAt).toBe(0);
        expect(queue.underruns).toBe(0);
        expect(rendered).toBe(30 * 2400);
      }
    }
  });

  it('counts an underrun when an item continues after its audio ran dry, without resetting the playhead', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 0 });
    queue.enqueue('item_1', chunk(300), 300, 0);
    const first = render(queue, 0, 4);
    expect(first.events.map((event) => event.type)).toEqual(['started', 'idle']);
    const underrun = queue.enqueue('item_1', chunk(300), 300, first.nextFrame);
    expect(underrun).toMatchObject({ type: 'underrun', itemId: 'item_1', underruns: 1 });
    const second = render(queue, first.nextFrame, 4);
    expect(nonZero(second.output)).toBe(300);
    expect(queue.position('item_1')).toEqual({ itemId: 'item_1', playedSamples: 600 });
    expect(queue.underruns).toBe(1);
  });

  it('does not count the next item as an underrun', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 0 });
    queue.enqueue('item_1', chunk(128), 128, 0);
    const first = render(queue, 0, 2);
    expect(queue.enqueue('item_2', chunk(128), 128, first.nextFrame)).toBeNull();
    expect(queue.underruns).toBe(0);
  });

  it('flushes to silence at once and reports the exact playhead of the interrupted item', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 0 });
    queue.enqueue('item_1', chunk(1000), 1000, 0);
    queue.enqueue('item_1', chunk(1000), 1000, 0);
    const played = render(queue, 0, 10); // 1280 samples
    expect(queue.flush()).toEqual({ itemId: 'item_1', playedSamples: 1280 });
    const after = render(queue, played.nextFrame, 4);
    expect(nonZero(after.output)).toBe(0);
    expect(queue.position('item_1')).toEqual({ itemId: 'item_1', playedSamples: 1280 });
  });

  it('drops late chunks of a flushed item but plays the next item', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 0 });
    queue.enqueue('item_1', chunk(1000), 1000, 0);
    render(queue, 0, 1);
    queue.flush();
    queue.enqueue('item_1', chunk(500), 500, 128);
    queue.enqueue('item_2', chunk(500, 0.25), 500, 128);
    const after = render(queue, 128, 5);
    expect(nonZero(after.output)).toBe(500);
    expect(after.output[0]).toBe(0.25);
    expect(queue.droppedChunks).toBe(1);
  });

  it('returns null from flush when nothing of the queued item was heard yet', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 40 });
    queue.enqueue('item_1', chunk(100), 100, 0);
    expect(queue.flush()).toBeNull();
    expect(queue.position('item_1')).toBeNull();
  });

  it('reports positions in source samples when the output runs at another rate', () => {
    // 24 kHz source played at 48 kHz: two output samples per source sample.
    const queue = new PlaybackQueue({ outputRate: 48000, sourceRate: 24000, prerollMs: 0 });
    queue.enqueue('item_1', chunk(4800), 2400, 0);
    render(queue, 0, 10); // 1280 output samples = 640 source samples
    expect(queue.position('item_1')).toEqual({ itemId: 'item_1', playedSamples: 640 });
    expect(queue.flush()).toEqual({ itemId: 'item_1', playedSamples: 640 });
  });

  it('keeps playing across many chunks with the head index compacted', () => {
    const queue = new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: 0 });
    for (let index = 0; index < 600; index++) queue.enqueue('item_1', chunk(10), 10, 0);
    const result = render(queue, 0, 50);
    expect(nonZero(result.output)).toBe(6000);
    expect(queue.position('item_1')?.playedSamples).toBe(6000);
  });

  it('rejects a negative pre-roll', () => {
    expect(
      () => new PlaybackQueue({ outputRate: 24000, sourceRate: 24000, prerollMs: -1 }),
    ).toThrow(RangeError);
  });
});
