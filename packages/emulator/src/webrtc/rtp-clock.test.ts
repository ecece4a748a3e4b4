import { describe, expect, it } from 'vitest';
import { RTP_TICKS_PER_FRAME } from '../opus-codec.js';
import { RtpClock } from './rtp-clock.js';

/** A clock on a hand-driven time. */
function setup(initial = { sequenceNumber: 100, timestamp: 5000 }) {
  let now = 1000;
  const clock = new RtpClock(() => now, initial);
  return { clock, wait: (ms: number) => (now += ms) };
}

describe('RtpClock', () => {
  it('stamps a talkspurt with consecutive sequence numbers and one frame of ticks apart', () => {
    const { clock, wait } = setup();
    const stamps = [clock.next(true)];
    for (let frame = 1; frame < 4; frame++) {
      wait(20);
      stamps.push(clock.next(false));
    }
    expect(stamps.map((stamp) => stamp.sequenceNumber)).toEqual([100, 101, 102, 103]);
    expect(stamps.map((stamp) => stamp.timestamp)).toEqual([5000, 5960, 6920, 7880]);
  });

  it('moves the timestamp over a silence: the first packet after it is stamped with the time that passed', () => {
    const { clock, wait } = setup();
    clock.next(true);
    wait(20);
    const last = clock.next(false);
    wait(2500);
    const first = clock.next(true);
    expect(first.sequenceNumber).toBe(last.sequenceNumber + 1);
    expect(first.timestamp - last.timestamp).toBe(2500 * 48);
    wait(20);
    expect(clock.next(false).timestamp - first.timestamp).toBe(RTP_TICKS_PER_FRAME);
  });

  it('keeps packets inside a talkspurt consecutive, even when they go out late or in a burst', () => {
    const { clock, wait } = setup();
    const first = clock.next(true);
    wait(300);
    const burst = [clock.next(false), clock.next(false), clock.next(false)];
    expect(burst.map((stamp) => stamp.timestamp - first.timestamp)).toEqual([960, 1920, 2880]);
  });

  it('never goes backwards: frames skipped during a gap count, a gap shorter than a frame does not rewind', () => {
    const { clock, wait } = setup();
    const last = clock.next(true);
    clock.skip(10);
    wait(100);
    expect(clock.next(true).timestamp - last.timestamp).toBe(11 * RTP_TICKS_PER_FRAME);
    const again = setup();
    const before = again.clock.next(true);
    again.wait(5);
    expect(again.clock.next(true).timestamp - before.timestamp).toBe(RTP_TICKS_PER_FRAME);
  });

  it('does not let late frames pile up: talkspurts after short pauses stay on the sender clock', () => {
    // GPT-Live's answers pause between words: a frame, a silent frame left out (skip), then a
    // talkspurt again, each frame going out up to 9 ms after its 20 ms slot (a late timer).
    const { clock, wait } = setup();
    let at = 0;
    const first = clock.next(true).timestamp;
    let stamp = first;
    for (let frame = 1; frame <= 600; frame++) {
      const late = (frame * 7) % 10;
      wait(20 * frame + late - at);
      at = 20 * frame + late;
      if (frame % 2 === 1) {
        clock.skip(1);
        continue;
      }
      stamp = clock.next(true).timestamp;
    }
    // The last frame's timestamp is its slot's, give or take its own lateness.
    const ahead = (stamp - first - 600 * RTP_TICKS_PER_FRAME) / 48;
    expect(ahead).toBeGreaterThanOrEqual(0);
    expect(ahead).toBeLessThanOrEqual(9);
  });

  it('wraps sequence numbers at 16 bits and timestamps at 32 bits', () => {
    const { clock, wait } = setup({ sequenceNumber: 0xffff, timestamp: 0xffffffff - 100 });
    clock.next(true);
    wait(1000);
    const after = clock.next(true);
    expect(after.sequenceNumber).toBe(0);
    expect(after.timestamp).toBe((0xffffffff - 100 + 48000) >>> 0);
  });
});
