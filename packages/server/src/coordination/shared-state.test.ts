import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseUnavailableError } from '../storage/database-availability.js';
import { sharedStateBackends } from '../test-utils/shared-states.js';
import { redisSharedState } from './redis-shared-state.js';
import type { SlotHold } from './shared-state.js';

const backends = sharedStateBackends();
afterAll(async () => {
  for (const backend of backends) await backend.cleanup();
});

/** A hold on `slotId` for `clientId`; its holder is named after the slot unless given. */
const hold = (clientId: string, slotId: string, holder = slotId): SlotHold => ({
  clientId,
  slotId,
  holder,
});

/** A clock the test moves. */
function testClock(start = 1_800_000_000_000) {
  let time = start;
  return { now: () => time, advance: (ms: number) => void (time += ms) };
}

describe.each(backends)('shared state on $name (two instances on one backend)', (backend) => {
  it('counts 500 concurrent hits on one window exactly once each, across both instances', async () => {
    const clock = testClock();
    const [first, second] = await backend.open(clock.now);
    const counts = await Promise.all(
      Array.from({ length: 500 }, (_, index) =>
        (index % 2 === 0 ? first : second).hit('login:a', 60_000),
      ),
    );
    expect(new Set(counts.map((count) => count.count)).size).toBe(500);
    expect(Math.max(...counts.map((count) => count.count))).toBe(500);
    for (const count of counts) {
      expect(count.resetInMs).toBeGreaterThan(0);
      expect(count.resetInMs).toBeLessThanOrEqual(60_000);
    }
  });

  it('starts a new window after the old one, and restarts it while a refused client keeps trying', async () => {
    const clock = testClock();
    const [state] = await backend.open(clock.now);
    if (backend.name === 'redis') {
      // Redis expires windows on its own clock: check the extension through the TTL instead.
      await state.hit('w', 1_000, 2);
      await state.hit('w', 1_000, 2);
      await new Promise((resolve) => setTimeout(resolve, 300));
      const refused = await state.hit('w', 1_000, 2);
      expect(refused.count).toBe(3);
      expect(refused.resetInMs).toBeGreaterThan(900);
      await state.reset('w');
      expect((await state.hit('w', 1_000, 2)).count).toBe(1);
      return;
    }
    expect((await state.hit('w', 1_000, 2)).count).toBe(1);
    expect((await state.hit('w', 1_000, 2)).count).toBe(2);
    clock.advance(600);
    const refused = await state.hit('w', 1_000, 2);
    expect(refused).toEqual({ count: 3, resetInMs: 1_000 });
    clock.advance(600);
    // Still within the restarted window.
    expect((await state.hit('w', 1_000, 2)).count).toBe(4);
    clock.advance(1_001);
    expect((await state.hit('w', 1_000, 2)).count).toBe(1);
    await state.reset('w');
    expect((await state.hit('w', 1_000, 2)).count).toBe(1);
  });

  it('hands a ticket out once, to exactly one of many concurrent takers on either instance', async () => {
    const clock = testClock();
    const [first, second] = await backend.open(clock.now);
    await first.putTicket('t1', '{"agent":"a"}', 60_000);
    const taken = await Promise.all(
      Array.from({ length: 40 }, (_, index) => (index % 2 ? first : second).takeTicket('t1')),
    );
    expect(taken.filter((grant) => grant !== undefined)).toEqual(['{"agent":"a"}']);
    expect(await second.takeTicket('unknown')).toBeUndefined();
  });

  it('lets a ticket expire', async () => {
    const clock = testClock();
    const [first, second] = await backend.open(clock.now);
    await first.putTicket('t2', 'grant', 50);
    if (backend.name === 'redis') await new Promise((resolve) => setTimeout(resolve, 120));
    else clock.advance(51);
    expect(await second.takeTicket('t2')).toBeUndefined();
  });

  it('grants exactly the cap of session slots to concurrent requests on both instances', async () => {
    const clock = testClock();
    const [first, second] = await backend.open(clock.now);
    const granted = await Promise.all(
      Array.from({ length: 20 }, (_, index) =>
        (index % 2 ? first : second).acquireSlot(hold('client', `slot-${index}`), 3, 60_000),
      ),
    );
    expect(granted.filter(Boolean)).toHaveLength(3);
    expect(await first.slotsOf('client')).toBe(3);
    expect(await second.slotsOf('other')).toBe(0);
    const held = granted.flatMap((ok, index) => (ok ? [`slot-${index}`] : []));
    // Taking a slot already held (a resumed conversation) adds a holder, not a fourth slot.
    expect(await second.acquireSlot(hold('client', held[0]!, 'resumed'), 3, 60_000)).toBe(true);
    expect(await first.acquireSlot(hold('client', 'late'), 3, 60_000)).toBe(false);
    await second.releaseSlot(hold('client', held[1]!));
    expect(await first.acquireSlot(hold('client', 'late'), 3, 60_000)).toBe(true);
    expect(await second.slotsOf('client')).toBe(3);
  });

  it('keeps a slot taken while its last holder, on either instance, still holds it', async () => {
    const clock = testClock();
    const [first, second] = await backend.open(clock.now);
    const stale = hold('client', 'conversation', 'stale');
    const resumed = hold('client', 'conversation', 'resumed');
    expect(await first.acquireSlot(stale, 1, 60_000)).toBe(true);
    expect(await second.acquireSlot(resumed, 1, 60_000)).toBe(true);
    expect(await second.slotsOf('client')).toBe(1);
    // The superseded holder gives its hold back (twice: releasing is idempotent).
    await first.releaseSlot(stale);
    await first.releaseSlot(stale);
    expect(await first.slotsOf('client')).toBe(1);
    expect(await first.acquireSlot(hold('client', 'other'), 1, 60_000)).toBe(false);
    await second.releaseSlot(resumed);
    expect(await first.slotsOf('client')).toBe(0);
    expect(await first.acquireSlot(hold('client', 'other'), 1, 60_000)).toBe(true);
  });

  it('frees the slots of an instance that stopped renewing them, keeps the renewed ones', async () => {
    const clock = testClock();
    const [first, second] = await backend.open(clock.now);
    expect(await first.acquireSlot(hold('c', 'kept'), 2, 1_000)).toBe(true);
    expect(await first.acquireSlot(hold('c', 'lost'), 2, 1_000)).toBe(true);
    expect(await second.acquireSlot(hold('c', 'third'), 2, 1_000)).toBe(false);
    clock.advance(800);
    await first.renewSlots([hold('c', 'kept')], 1_000);
    clock.advance(400);
    expect(await second.slotsOf('c')).toBe(1);
    expect(await second.acquireSlot(hold('c', 'third'), 2, 1_000)).toBe(true);
    expect(await second.acquireSlot(hold('c', 'fourth'), 2, 1_000)).toBe(false);
  });

  it('agrees on one shared key: the first offered wins on every instance', async () => {
    const clock = testClock();
    const [first, second] = await backend.open(clock.now);
    const a = await first.sharedKey('resume', 'key-a');
    const b = await second.sharedKey('resume', 'key-b');
    if (backend.name === 'redis') expect(b).toBe(a);
    else expect([a, b]).toEqual(['key-a', 'key-b']); // their database's settings already agree
    expect(await first.ping()).toBe(true);
  });
});

describe('Redis that does not answer', () => {
  it('fails start-up within the connect timeout with a one-line reason and no password', async () => {
    const started = Date.now();
    const error = await redisSharedState({
      url: 'redis://:hunter2@127.0.0.1:9/0',
      connectTimeoutMs: 500,
    }).then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(DatabaseUnavailableError);
    expect((error as Error).message).toBe('Redis at 127.0.0.1:9 did not answer within 500 ms');
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
