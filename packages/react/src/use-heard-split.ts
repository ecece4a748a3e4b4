import { useCallback, useRef, useSyncExternalStore } from 'react';
import { heardSplit } from '@parley/core';
import type { ConversationItem, HeardSplit } from '@parley/core';
import { cancelFrame, requestFrame, subscribePerFrame } from './frame.js';
import { useSessionInstance } from './voice-session-provider.js';

/**
 * The part of an item's transcript the listener has heard and the part not heard: not yet (the
 * transcript streams ahead of the audio) or never (`cut`: the agent was interrupted). Core's
 * `heardSplit(item, session.playhead(item.id))`, re-read once per animation frame while the
 * item's audio plays, and re-rendering only when the split moves (about once per word).
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
  const itemId = item.id;
  const published = useRef<HeardSplit | null>(null);

  const getSplit = useCallback((): HeardSplit => {
    const next = heardSplit(item, session.playhead(itemId));
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
  }, [session, item, itemId]);

  const subscribe = useCallback(
    (onChange: () => void) => {
      // The playhead moves without a snapshot change: poll it once per frame while it plays.
      let frame: number | null = null;
      const tick = (): void => {
        frame = null;
        onChange();
        schedule();
      };
      const schedule = (): void => {
        if (frame === null && session.playhead(itemId)?.playing === true) {
          frame = requestFrame(tick);
        }
      };
      const off = subscribePerFrame(
        (change) => session.subscribe(change),
        () => {
          onChange();
          schedule();
        },
      );
      schedule();
      return () => {
        off();
        if (frame !== null) cancelFrame(frame);
        frame = null;
      };
    },
    [session, itemId],
  );

  return useSyncExternalStore(subscribe, getSplit, getSplit);
}
