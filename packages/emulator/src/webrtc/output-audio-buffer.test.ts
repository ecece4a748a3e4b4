import { describe, expect, it } from 'vitest';
import type { Json } from '../connection-context.js';
import { FRAME_SAMPLES } from '../opus-codec.js';
import { OutputAudioBuffer } from './output-audio-buffer.js';

/** A buffer on a hand-driven clock, recording what it emits, plays and truncates. */
function setup() {
  let now = 0;
  let tick: (() => void) | null = null;
  const events: Json[] = [];
  const frames: Array<{ pcm: Buffer; marker: boolean }> = [];
  const truncations: Array<{ itemId: string; audioEndMs: number }> = [];
  const skipped: number[] = [];
  const buffer = new OutputAudioBuffer({
    emit: (event) => events.push(event),
    sendFrame: (pcm, marker) => frames.push({ pcm, marker }),
    skipFrames: (count) => skipped.push(count),
    truncate: (itemId, audioEndMs) => truncations.push({ itemId, audioEndMs }),
    now: () => now,
    every: (_ms, run) => {
      tick = run;
      return () => {
        tick = null;
      };
    },
  });
  const advance = (ms: number) => {
    for (let step = 0; step < ms; step += 10) {
      now += 10;
      tick?.();
    }
  };
  const types = () => events.map((event) => event.type);
  const stall = (ms: number) => {
    now += ms;
    tick?.();
  };
  return {
    buffer,
    events,
    frames,
    truncations,
    skipped,
    advance,
    stall,
    types,
    running: () => tick !== null,
  };
}

/** `ms` of a constant non-zero PCM16 signal at 24 kHz. */
const audio = (ms: number) => Buffer.alloc((24000 * ms * 2) / 1000, 1);

describe('OutputAudioBuffer', () => {
  it('plays queued audio at one 20 ms frame per 20 ms, then says stopped after response.done', () => {
    const { buffer, frames, advance, types, running } = setup();
    buffer.push('resp_1', 'item_1', audio(200));
    expect(types()).toEqual(['output_audio_buffer.started']);
    expect(frames).toHaveLength(1);
    expect(frames[0]!.marker).toBe(true);
    advance(100);
    expect(frames).toHaveLength(6);
    buffer.responseDone('resp_1');
    expect(types()).toEqual(['output_audio_buffer.started']);
    advance(200);
    expect(frames).toHaveLength(10);
    expect(frames.every((frame) => frame.pcm.length === FRAME_SAMPLES * 2)).toBe(true);
    expect(types()).toEqual(['output_audio_buffer.started', 'output_audio_buffer.stopped']);
    advance(40);
    expect(running()).toBe(false);
  });

  it('waits for generation that falls behind, without a stopped before response.done', () => {
    const { buffer, frames, advance, types } = setup();
    buffer.push('resp_1', 'item_1', audio(40));
    advance(100);
    expect(frames).toHaveLength(2);
    buffer.push('resp_1', 'item_1', audio(40));
    expect(frames[2]!.marker).toBe(true);
    buffer.responseDone('resp_1');
    advance(100);
    expect(frames).toHaveLength(4);
    expect(types()).toEqual(['output_audio_buffer.started', 'output_audio_buffer.stopped']);
  });

  it('says stopped at response.done when its audio had already all played', () => {
    const { buffer, frames, advance, types } = setup();
    buffer.push('resp_1', 'item_1', audio(40));
    advance(200);
    expect(frames).toHaveLength(2);
    buffer.responseDone('resp_1');
    expect(types()).toEqual(['output_audio_buffer.started', 'output_audio_buffer.stopped']);
  });

  it('clears what is unplayed and truncates the playing item at the milliseconds played', () => {
    const { buffer, frames, truncations, advance, types } = setup();
    buffer.push('resp_1', 'item_1', audio(1000));
    advance(300);
    const played = frames.length;
    expect(buffer.clear()).toBe(true);
    expect(types()).toEqual(['output_audio_buffer.started', 'output_audio_buffer.cleared']);
    expect(truncations).toEqual([{ itemId: 'item_1', audioEndMs: played * 20 }]);
    buffer.responseDone('resp_1');
    advance(200);
    expect(frames).toHaveLength(played);
    expect(types()).not.toContain('output_audio_buffer.stopped');
  });

  it('answers a clear with nothing playing with cleared and no truncation', () => {
    const { buffer, truncations, types } = setup();
    expect(buffer.clear()).toBe(false);
    expect(types()).toEqual(['output_audio_buffer.cleared']);
    expect(truncations).toEqual([]);
  });

  it('plays two items of one response back to back and stops once after both', () => {
    const { buffer, frames, advance, types } = setup();
    buffer.push('resp_1', 'item_1', audio(40));
    buffer.push('resp_1', 'item_2', audio(40));
    buffer.responseDone('resp_1');
    advance(200);
    expect(frames).toHaveLength(4);
    expect(types()).toEqual(['output_audio_buffer.started', 'output_audio_buffer.stopped']);
  });

  it('moves the RTP clock over the frames a stall left unsent, so the stream keeps time', () => {
    const { buffer, frames, skipped, stall } = setup();
    buffer.push('resp_1', 'item_1', audio(1000));
    expect(frames).toHaveLength(1);
    // 200 ms without a tick: ten frames fell due; five go at once, five are not sent.
    stall(200);
    expect(frames).toHaveLength(6);
    expect(skipped).toEqual([5]);
    expect(frames.slice(1).every((frame) => !frame.marker)).toBe(true);
  });
});
