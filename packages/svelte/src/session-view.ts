// The reactive view of a core session that the Svelte binding exposes: one reactive value per
// snapshot field, the throttled levels and each item's heard split, all on core's stores and
// notify scheduler. Svelte batches snapshot changes itself (effects run once per microtask), so
// the snapshot goes straight through; levels and the playhead tick on the binding's clock.
import {
  clockSchedule,
  createLevelsStore,
  createNotifyScheduler,
  createPlayheadStore,
  heardSplit,
} from '@parley/core';
import type {
  AudioLevels,
  Clock,
  ConversationItem,
  ExternalStore,
  HeardSplit,
  ItemPlayhead,
  VoiceSession,
  VoiceSessionSnapshot,
} from '@parley/core';
import { reactiveValue, selectStore, svelteReadable } from './containers.js';
import type { Lifetime, ReactiveValue, SvelteReadable } from './containers.js';

/** How often levels and the playhead may update, and on which clock. */
export interface SessionViewCadence {
  clock: Clock;
  levelsIntervalMs: number;
  heardIntervalMs: number;
}

/** The snapshot fields with a reactive getter of their own. */
type SnapshotField =
  'status' | 'turn' | 'items' | 'metrics' | 'usage' | 'error' | 'muted' | 'capabilities';

/** Reactive values over one session, and its snapshot and levels as Svelte stores. */
export interface SessionView {
  snapshot: ReactiveValue<VoiceSessionSnapshot>;
  fields: { [K in SnapshotField]: ReactiveValue<VoiceSessionSnapshot[K]> };
  levels: ReactiveValue<AudioLevels>;
  heard(item: ConversationItem): HeardSplit;
  snapshotStore: SvelteReadable<VoiceSessionSnapshot>;
  levelsStore: SvelteReadable<AudioLevels>;
}

/** Builds the view; every subscription it makes is held by `lifetime`. */
export function createSessionView(
  session: VoiceSession,
  cadence: SessionViewCadence,
  lifetime: Lifetime,
): SessionView {
  const snapshots: ExternalStore<VoiceSessionSnapshot> = {
    subscribe: (listener) => session.subscribe(listener),
    getSnapshot: () => session.getSnapshot(),
  };
  // Each field wakes its readers only when its own value changed.
  const field = <K extends SnapshotField>(key: K) =>
    reactiveValue(
      selectStore(snapshots, (snapshot) => snapshot[key]),
      lifetime,
    );
  const levels = createLevelsStore(
    session,
    createNotifyScheduler(clockSchedule(cadence.clock, cadence.levelsIntervalMs)),
  );
  const playheadScheduler = createNotifyScheduler(
    clockSchedule(cadence.clock, cadence.heardIntervalMs),
  );
  const playheads = new Map<string, ReactiveValue<ItemPlayhead | null>>();
  const playheadOf = (itemId: string): ReactiveValue<ItemPlayhead | null> => {
    let playhead = playheads.get(itemId);
    if (!playhead) {
      // The session itself as the source: a change (playback ends, a cut) shows at once.
      playhead = reactiveValue(createPlayheadStore(session, itemId, playheadScheduler), lifetime);
      playheads.set(itemId, playhead);
    }
    return playhead;
  };

  return {
    snapshot: reactiveValue(
      selectStore(snapshots, (snapshot) => snapshot),
      lifetime,
    ),
    fields: {
      status: field('status'),
      turn: field('turn'),
      items: field('items'),
      metrics: field('metrics'),
      usage: field('usage'),
      error: field('error'),
      muted: field('muted'),
      capabilities: field('capabilities'),
    },
    levels: reactiveValue(levels, lifetime),
    heard: (item) => heardSplit(item, playheadOf(item.id).current),
    snapshotStore: svelteReadable(snapshots, lifetime),
    levelsStore: svelteReadable(levels, lifetime),
  };
}
