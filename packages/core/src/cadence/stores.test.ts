import { describe, expect, it } from 'vitest';
import { FakeClock } from '../test-utils/fake-clock.js';
import { FakeVoiceSession, fakeLevels } from '../test-utils/fake-voice-session.js';
import { clockSchedule, createNotifyScheduler } from './notify-scheduler.js';
import {
  createLevelsStore,
  createPlayheadStore,
  createSnapshotStore,
  silentAudioLevels,
} from './stores.js';

/** A scheduler on a fake clock, ticking at most every 50 ms (as the Svelte binding does). */
function clockScheduler() {
  const clock = new FakeClock();
  return { clock, scheduler: createNotifyScheduler(clockSchedule(clock, 50)) };
}

describe('createSnapshotStore', () => {
  it('delivers a burst of changes as one notification on the next tick', () => {
    const { clock, scheduler } = clockScheduler();
    const session = new FakeVoiceSession();
    const store = createSnapshotStore(session, scheduler);
    let notified = 0;
    store.subscribe(() => (notified += 1));
    // The first change ticks at once (the interval is open); the burst after it waits.
    session.setSnapshot({ status: 'connecting' });
    expect(notified).toBe(1);
    session.setSnapshot({ status: 'connected' });
    session.setSnapshot({ turn: 'user_speaking' });
    session.setSnapshot({ turn: 'thinking' });
    expect(notified).toBe(1);
    clock.advance(50);
    expect(notified).toBe(2);
    expect(store.getSnapshot()).toBe(session.snapshot);
  });

  it('subscribes to the session once however many listeners, and lets go with the last', () => {
    const { clock, scheduler } = clockScheduler();
    const session = new FakeVoiceSession();
    const store = createSnapshotStore(session, scheduler);
    const first = store.subscribe(() => undefined);
    const second = store.subscribe(() => undefined);
    expect(session.listenerCount().snapshot).toBe(1);
    session.setSnapshot({ muted: true });
    session.setSnapshot({ muted: false });
    first();
    expect(session.listenerCount().snapshot).toBe(1);
    second();
    expect(session.listenerCount().snapshot).toBe(0);
    expect(clock.pending()).toEqual([]);
  });
});

describe('createLevelsStore', () => {
  it('starts silent and publishes only the latest report per tick', () => {
    const { clock, scheduler } = clockScheduler();
    const session = new FakeVoiceSession();
    const store = createLevelsStore(session, scheduler);
    expect(store.getSnapshot()).toBe(silentAudioLevels);
    const seen: number[] = [];
    store.subscribe(() => seen.push(store.getSnapshot().input.rms));
    session.emitLevels(fakeLevels(0.2));
    for (let report = 1; report <= 10; report++) {
      clock.advance(3);
      session.emitLevels(fakeLevels(0.2 + report / 100));
    }
    expect(seen).toEqual([0.2]);
    clock.advance(50);
    expect(seen).toHaveLength(2);
    expect(seen[1]).toBeCloseTo(0.3);
  });

  it('listens only while subscribed, drops a pending report on the way out, keeps the last value', () => {
    const { clock, scheduler } = clockScheduler();
    const session = new FakeVoiceSession();
    const store = createLevelsStore(session, scheduler);
    expect(session.listenerCount().levels).toBe(0);
    const off = store.subscribe(() => undefined);
    expect(session.listenerCount().levels).toBe(1);
    session.emitLevels(fakeLevels(0.5));
    session.emitLevels(fakeLevels(0.6));
    off();
    expect(session.listenerCount().levels).toBe(0);
    expect(clock.pending()).toEqual([]);
    expect(store.getSnapshot().input.rms).toBe(0.5);
  });
});

describe('createPlayheadStore', () => {
  it('polls while the item plays, notifies only when the read differs, and stops when it ends', () => {
    const { clock, scheduler } = clockScheduler();
    const session = new FakeVoiceSession();
    session.setPlayhead('a1', { heardMs: 0, receivedMs: 2000 });
    const store = createPlayheadStore(session, 'a1', scheduler);
    let notified = 0;
    store.subscribe(() => (notified += 1));
    expect(clock.pending()).toEqual([50]);

    clock.advance(50);
    expect(notified).toBe(0);
    session.setPlayhead('a1', { heardMs: 400, receivedMs: 2000 });
    expect(store.getSnapshot()?.heardMs).toBe(0);
    clock.advance(50);
    expect(notified).toBe(1);
    expect(store.getSnapshot()?.heardMs).toBe(400);

    session.setPlayhead('a1', { heardMs: 2000, receivedMs: 2000, playing: false });
    clock.advance(50);
    expect(notified).toBe(2);
    expect(store.getSnapshot()?.playing).toBe(false);
    expect(clock.pending()).toEqual([]);
  });

  it('re-reads when the source notifies, and starts polling when playback starts', () => {
    const { clock, scheduler } = clockScheduler();
    const session = new FakeVoiceSession();
    const store = createPlayheadStore(session, 'a1', scheduler);
    let notified = 0;
    store.subscribe(() => (notified += 1));
    expect(store.getSnapshot()).toBeNull();
    expect(clock.pending()).toEqual([]);

    session.setPlayhead('a1', { heardMs: 0, receivedMs: 500 });
    session.notifyUnchanged();
    expect(notified).toBe(1);
    expect(store.getSnapshot()?.playing).toBe(true);
    expect(clock.pending()).toEqual([50]);
  });

  it('keeps the same object between ticks while watched, and reads afresh while not', () => {
    const { clock, scheduler } = clockScheduler();
    const session = new FakeVoiceSession();
    session.setPlayhead('a1', { heardMs: 100, receivedMs: 2000 });
    const store = createPlayheadStore(session, 'a1', scheduler);
    expect(store.getSnapshot()?.heardMs).toBe(100);
    session.setPlayhead('a1', { heardMs: 200, receivedMs: 2000 });
    expect(store.getSnapshot()?.heardMs).toBe(200);

    const off = store.subscribe(() => undefined);
    const watched = store.getSnapshot();
    session.setPlayhead('a1', { heardMs: 300, receivedMs: 2000 });
    expect(store.getSnapshot()).toBe(watched);
    session.setPlayhead('a1', { heardMs: 200, receivedMs: 2000 });
    clock.advance(50);
    expect(store.getSnapshot()).toBe(watched);
    off();
    expect(session.listenerCount().snapshot).toBe(0);
    expect(clock.pending()).toEqual([]);
  });
});
