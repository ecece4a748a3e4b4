import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test-utils/fake-clock.js';
import { clockSchedule, createNotifyScheduler, NOTIFY_INTERVAL_MS } from './notify-scheduler.js';
import type { ScheduleFunction } from './notify-scheduler.js';

/** A schedule whose ticks run only when the test says so, like animation frames. */
function manualSchedule(): ScheduleFunction & { pending: number; tick(): void } {
  let next: (() => void) | null = null;
  const schedule = ((tick: () => void) => {
    next = tick;
    return () => {
      if (next === tick) next = null;
    };
  }) as ScheduleFunction & { pending: number; tick(): void };
  Object.defineProperty(schedule, 'pending', { get: () => (next === null ? 0 : 1) });
  schedule.tick = () => {
    const run = next;
    next = null;
    run?.();
  };
  return schedule;
}

describe('createNotifyScheduler', () => {
  it('runs a callback scheduled many times in a burst once, on the next tick', () => {
    const frames = manualSchedule();
    const scheduler = createNotifyScheduler(frames);
    const calls: string[] = [];
    const render = () => calls.push('render');
    const meter = () => calls.push('meter');
    for (let event = 0; event < 12; event++) scheduler.schedule(render);
    scheduler.schedule(meter);
    expect(calls).toEqual([]);
    expect(frames.pending).toBe(1);
    frames.tick();
    expect(calls).toEqual(['render', 'meter']);
    expect(frames.pending).toBe(0);
  });

  it('cancels the tick when the last waiting callback is taken back', () => {
    const frames = manualSchedule();
    const scheduler = createNotifyScheduler(frames);
    const calls: string[] = [];
    const first = () => calls.push('first');
    const second = () => calls.push('second');
    scheduler.schedule(first);
    scheduler.schedule(second);
    scheduler.cancel(first);
    expect(frames.pending).toBe(1);
    scheduler.cancel(second);
    expect(frames.pending).toBe(0);
    scheduler.cancel(second);
    frames.tick();
    expect(calls).toEqual([]);
  });

  it('flushes what is due at once and leaves nothing for the next tick', () => {
    const frames = manualSchedule();
    const scheduler = createNotifyScheduler(frames);
    const calls: number[] = [];
    scheduler.schedule(() => calls.push(1));
    scheduler.flush();
    expect(calls).toEqual([1]);
    expect(frames.pending).toBe(0);
    scheduler.flush();
    expect(calls).toEqual([1]);
  });

  it('runs a callback that schedules itself again on the next tick, not in the same flush', () => {
    const frames = manualSchedule();
    const scheduler = createNotifyScheduler(frames);
    let polls = 0;
    const poll = () => {
      polls += 1;
      scheduler.schedule(poll);
    };
    scheduler.schedule(poll);
    scheduler.flush();
    expect(polls).toBe(1);
    expect(frames.pending).toBe(1);
    frames.tick();
    frames.tick();
    expect(polls).toBe(3);
    scheduler.cancel(poll);
    expect(frames.pending).toBe(0);
  });

  it('runs every callback even when one throws, then rethrows the first error', () => {
    const scheduler = createNotifyScheduler(manualSchedule());
    const calls: string[] = [];
    scheduler.schedule(() => {
      throw new Error('first');
    });
    scheduler.schedule(() => {
      throw new Error('second');
    });
    scheduler.schedule(() => calls.push('ran'));
    expect(() => scheduler.flush()).toThrow('first');
    expect(calls).toEqual(['ran']);
  });
});

describe('clockSchedule', () => {
  it('ticks at once when the interval has passed, then at most once per interval', () => {
    const clock = new FakeClock();
    const scheduler = createNotifyScheduler(clockSchedule(clock, 50));
    const seen: number[] = [];
    const record = () => seen.push(clock.now());
    scheduler.schedule(record);
    expect(seen).toEqual([0]);
    expect(clock.pending()).toEqual([]);

    clock.advance(10);
    scheduler.schedule(record);
    clock.advance(20);
    scheduler.schedule(record);
    expect(seen).toEqual([0]);
    expect(clock.pending()).toEqual([20]);
    clock.advance(20);
    expect(seen).toEqual([0, 50]);

    clock.advance(200);
    scheduler.schedule(record);
    expect(seen).toEqual([0, 50, 250]);
  });

  it('polls at the interval when a callback schedules itself, and stops when it is cancelled', () => {
    const clock = new FakeClock();
    const scheduler = createNotifyScheduler(clockSchedule(clock));
    const seen: number[] = [];
    const poll = () => {
      seen.push(clock.now());
      scheduler.schedule(poll);
    };
    scheduler.schedule(poll);
    clock.advance(NOTIFY_INTERVAL_MS * 3);
    expect(seen).toEqual([0, 50, 100, 150]);
    expect(clock.pending()).toEqual([NOTIFY_INTERVAL_MS]);
    scheduler.cancel(poll);
    expect(clock.pending()).toEqual([]);
  });
});
