import { afterEach, describe, expect, it, vi } from 'vitest';
import { memorySharedState } from '../coordination/shared-state.js';
import type { SharedState } from '../coordination/shared-state.js';
import { TakeoverHub } from '../coordination/takeover-signal.js';
import type { Logger } from '../logger.js';
import type { Store } from '../storage/store.js';
import { ConversationTakeover, takeoverWaitMs } from './conversation-takeover.js';

/** A store whose conversations have the given statuses (or whose reads fail). */
function storeWith(statuses: Record<string, string> | Error): Store {
  const get = (id: string) =>
    statuses instanceof Error
      ? Promise.reject(statuses)
      : Promise.resolve(statuses[id] ? { id, status: statuses[id] } : undefined);
  return { conversations: { get } } as unknown as Store;
}

function recordingLog(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, info: () => undefined, warn: (m) => warnings.push(m), error: () => undefined };
}

/** A shared state whose takeover announcements `publish` sends (nobody hears them). */
function signalling(publish: () => Promise<void>): SharedState {
  const hub = new TakeoverHub(publish, () => Promise.resolve());
  return { ...memorySharedState(), takeovers: (handler) => hub.join(handler) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('taking a conversation over', () => {
  it('ends the holder here first, and announces only a conversation still active after that', async () => {
    const shared = memorySharedState();
    const elsewhere: string[] = [];
    const other = new ConversationTakeover({
      shared,
      store: storeWith({}),
      log: recordingLog(),
      endHere: (id) => {
        elsewhere.push(id);
        return Promise.resolve(false);
      },
    });
    const here: string[] = [];
    const log = recordingLog();
    const takeover = new ConversationTakeover({
      shared,
      store: storeWith({ ended: 'completed' }),
      log,
      endHere: (id) => {
        here.push(id);
        return Promise.resolve(true);
      },
    });
    await takeover.takeOver('ended');
    await takeover.takeOver('unknown');
    expect(here).toEqual(['ended', 'unknown']);
    expect(elsewhere).toEqual([]);
    expect(log.warnings).toEqual([]);
    other.close();
    takeover.close();
  });

  it('waits for the instance that holds it to end it and store its writes', async () => {
    const shared = memorySharedState();
    const order: string[] = [];
    const holder = new ConversationTakeover({
      shared,
      store: storeWith({}),
      log: recordingLog(),
      endHere: async () => {
        await new Promise((resolve) => setImmediate(resolve));
        order.push('stale session ended and stored');
        return true;
      },
    });
    const log = recordingLog();
    const taker = new ConversationTakeover({
      shared,
      store: storeWith({ live: 'active' }),
      log,
      endHere: () => Promise.resolve(false),
    });
    await taker.takeOver('live');
    order.push('resume goes on');
    expect(order).toEqual(['stale session ended and stored', 'resume goes on']);
    expect(log.warnings).toEqual([]);
    holder.close();
    taker.close();
  });

  it.each([
    ['nobody answers', () => new Promise<void>(() => undefined)],
    ['the signal cannot be sent', () => Promise.reject(new Error('Redis is unavailable'))],
  ])('goes on at the bound, and says so, when %s', async (_case, publish) => {
    vi.useFakeTimers();
    const log = recordingLog();
    const takeover = new ConversationTakeover({
      shared: signalling(publish),
      store: storeWith({ live: 'active' }),
      log,
      endHere: () => Promise.resolve(false),
    });
    let done = false;
    const taking = takeover.takeOver('live').then(() => {
      done = true;
    });
    await vi.advanceTimersByTimeAsync(takeoverWaitMs);
    await taking;
    expect(done).toBe(true);
    expect(log.warnings).toHaveLength(1);
    takeover.close();
  });

  it('goes on when the conversation cannot be read (the resume reports the database itself)', async () => {
    const log = recordingLog();
    const takeover = new ConversationTakeover({
      shared: memorySharedState(),
      store: storeWith(new Error('connection refused')),
      log,
      endHere: () => Promise.resolve(false),
    });
    await takeover.takeOver('live');
    expect(log.warnings).toEqual(['could not read a conversation before taking it over']);
    takeover.close();
  });
});
