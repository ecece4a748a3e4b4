import { useCallback, useMemo, useRef, useSyncExternalStore } from 'react';
import { createPlayheadStore, heardSplit } from '@parley/core';
import type { ConversationItem, HeardSplit } from '@parley/core';
import { frameScheduler } from './frame.js';
import { useSessionInstance, useSessionStore } from './voice-session-provider.js';

/**
 * The part of an item's transcript the listener has heard and the part not heard: not yet (the
 * transcript streams ahead of the audio) or never (`cut`: the agent was interrupted). Core's
 * `heardSplit(item, session.playhead(item.id))`, with the playhead re-read once per animation
 * frame while the item's audio plays (core's `createPlayheadStore`), and re-rendering only when
 * the split moves (about once per word).
 *
 * @example
 * ```tsx
 * function AgentText({ item }: { item: MessageItem }) {
 *   const { heard, unheard, cut } = useHeardSplit(item);
 *   return (
 *     <p>
 *       {heard}
 *       <span className={cut ? 'cut' : 'ahead'}>{unheard}</span>
 *     </p>
 *   );
 * }
 * ```
 */
export function useHeardSplit(item: ConversationItem): HeardSplit {
  const session = useSessionInstance();
  const snapshots = useSessionStore(session);
  const itemId = item.id;
  // The playhead is re-read when the (frame-batched) snapshot changes and on every frame of play.
  const playhead = useMemo(
    () =>
      createPlayheadStore(
        { subscribe: snapshots.subscribe, playhead: (id) => session.playhead(id) },
        itemId,
        frameScheduler,
      ),
    [session, snapshots, itemId],
  );
  const published = useRef<HeardSplit | null>(null);

  const getSplit = useCallback((): HeardSplit => {
    const next = heardSplit(item, playhead.getSnapshot());
    const previous = published.current;
    if (
      previous !== null &&
      previous.cut === next.cut &&
      previous.heard === next.heard &&
      previous.unheard === next.unheard
    ) {
      return previous;
    }
    published.current = next;
    return next;
  }, [item, playhead]);

  return useSyncExternalStore(playhead.subscribe, getSplit, getSplit);
}
