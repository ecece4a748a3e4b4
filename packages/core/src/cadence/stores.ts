// Small stores a binding hands to its framework: the session's snapshot, its audio levels and one
// item's playhead, each `{ subscribe, getSnapshot }` (React's useSyncExternalStore contract; the
// Svelte binding wraps them with createSubscriber). Each delivers on a NotifyScheduler's ticks, so
// React and Svelte follow the same rules and differ only in the schedule they pass.
import type { ItemPlayhead } from '../machine/heard.js';
import type { AudioLevels } from '../ports.js';
import type { VoiceSessionSnapshot } from '../types.js';
import type { NotifyScheduler } from './notify-scheduler.js';

// What the stores read of a session, named here so cadence/ sits below session/ (a VoiceSession
// satisfies each of them).

/** A session's snapshot and its change notifications. */
export interface SnapshotSource {
  readonly subscribe: (listener: () => void) => () => void;
  getSnapshot(): VoiceSessionSnapshot;
}

/** A session's level reports. */
export interface LevelsSource {
  on(event: 'levels', listener: (levels: AudioLevels) => void): () => void;
}

/** What a playhead store reads: the session, or a binding's view of it with batched changes. */
export interface PlayheadSource {
  readonly subscribe: (listener: () => void) => () => void;
  playhead(itemId: string): ItemPlayhead | null;
}

/**
 * A value that changes over time: `getSnapshot()` returns the same object until it changes, and
 * `subscribe` calls its listener after each change (with no arguments: read `getSnapshot()`).
 */
export interface ExternalStore<T> {
  // Properties, not methods: both are passed around unbound (`useSyncExternalStore(store.subscribe, …)`).
  readonly subscribe: (listener: () => void) => () => void;
  readonly getSnapshot: () => T;
}

/** Levels before the first report, and on the server. */
export const silentAudioLevels: AudioLevels = Object.freeze({
  input: Object.freeze({ rms: 0, peak: 0 }),
  output: Object.freeze({ rms: 0, peak: 0 }),
  inputSpeaking: false,
});

/**
 * Listeners of one store: `start` runs when the first one subscribes and its cleanup when the
 * last one leaves, so a store holds nothing on the session while nobody reads it.
 */
function createListeners(start: () => () => void): {
  readonly subscribe: (listener: () => void) => () => void;
  readonly notify: () => void;
  readonly active: boolean;
} {
  const listeners = new Set<() => void>();
  let stop: (() => void) | null = null;
  return {
    subscribe: (listener) => {
      // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
      const entry = (): void => listener();
      listeners.add(entry);
      stop ??= start();
      return () => {
        if (!listeners.delete(entry) || listeners.size > 0) return;
        stop?.();
        stop = null;
      };
    },
    notify: () => {
      for (const listener of [...listeners]) listener();
    },
    get active() {
      return stop !== null;
    },
  };
}

/**
 * The session's snapshot, with a burst of changes delivered as one notification on the
 * scheduler's next tick. `getSnapshot()` is always the session's current snapshot.
 */
export function createSnapshotStore(
  session: SnapshotSource,
  scheduler: NotifyScheduler,
): ExternalStore<VoiceSessionSnapshot> {
  const listeners = createListeners(() => {
    // One function per start: the scheduler runs (and cancels) callbacks by identity.
    const deliver = (): void => listeners.notify();
    const off = session.subscribe(() => scheduler.schedule(deliver));
    return () => {
      off();
      scheduler.cancel(deliver);
    };
  });
  return { subscribe: listeners.subscribe, getSnapshot: () => session.getSnapshot() };
}

/**
 * The session's input and output levels, keeping only the latest report per tick: the audio port
 * reports every few milliseconds, a meter needs one value per frame at most. Starts (and stays,
 * between subscriptions) at the last published levels, {@link silentAudioLevels} at first.
 */
export function createLevelsStore(
  session: LevelsSource,
  scheduler: NotifyScheduler,
): ExternalStore<AudioLevels> {
  let published = silentAudioLevels;
  const listeners = createListeners(() => {
    let latest: AudioLevels | null = null;
    const publish = (): void => {
      if (latest === null) return;
      published = latest;
      latest = null;
      listeners.notify();
    };
    const off = session.on('levels', (levels) => {
      latest = levels;
      scheduler.schedule(publish);
    });
    return () => {
      off();
      scheduler.cancel(publish);
    };
  });
  return { subscribe: listeners.subscribe, getSnapshot: () => published };
}

/**
 * One item's playhead (`session.playhead(itemId)`), which moves without a snapshot change. Re-read
 * whenever `source` notifies (playback starts, ends or is cut) and on every scheduler tick while
 * the item's audio plays; listeners hear only of reads that differ. Pass the session itself to
 * re-read on each change at once, or a snapshot store to re-read once per tick.
 */
export function createPlayheadStore(
  source: PlayheadSource,
  itemId: string,
  scheduler: NotifyScheduler,
): ExternalStore<ItemPlayhead | null> {
  let current = source.playhead(itemId);
  const read = (): boolean => {
    const next = source.playhead(itemId);
    if (samePlayhead(current, next)) return false;
    current = next;
    return true;
  };
  const listeners = createListeners(() => {
    // Runs on the source's notifications and, while the audio plays, on every tick (polling).
    const update = (): void => {
      const changed = read();
      if (current?.playing === true) scheduler.schedule(update);
      if (changed) listeners.notify();
    };
    const off = source.subscribe(update);
    read();
    if (current?.playing === true) scheduler.schedule(update);
    return () => {
      off();
      scheduler.cancel(update);
    };
  });
  return {
    subscribe: listeners.subscribe,
    // Unwatched, a read is fresh; watched, it is the value as of the last tick (stable in between).
    getSnapshot: () => {
      if (!listeners.active) read();
      return current;
    },
  };
}

function samePlayhead(a: ItemPlayhead | null, b: ItemPlayhead | null): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  return (
    a.itemId === b.itemId &&
    a.heardMs === b.heardMs &&
    a.receivedMs === b.receivedMs &&
    a.audioDone === b.audioDone &&
    a.playing === b.playing
  );
}
