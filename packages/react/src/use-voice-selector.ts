import { useCallback, useRef, useSyncExternalStore } from 'react';
import type { VoiceSessionSnapshot } from '@parley/core';
import { useSessionInstance, useSessionStore } from './voice-session-provider.js';

/**
 * A slice of the session's snapshot. The component re-renders only when the selected value
 * changes by `isEqual` (`Object.is` by default), so a selector may build a new object or array
 * as long as it passes an equality that understands it.
 *
 * @example
 * ```tsx
 * const agentSpeaking = useVoiceSelector((snapshot) => snapshot.turn === 'agent_speaking');
 * ```
 */
export function useVoiceSelector<Selected>(
  selector: (snapshot: VoiceSessionSnapshot) => Selected,
  isEqual: (a: Selected, b: Selected) => boolean = Object.is,
): Selected {
  const session = useSessionInstance();
  // The latest selector and equality are read during getSnapshot, so inline lambdas are fine.
  const latest = useRef({ selector, isEqual });
  latest.current = { selector, isEqual };
  const memo = useRef<{
    snapshot: VoiceSessionSnapshot;
    selected: Selected;
    selector: unknown;
  } | null>(null);

  const { subscribe, getSnapshot } = useSessionStore(session);
  const getSelection = useCallback((): Selected => {
    const snapshot = getSnapshot();
    const { selector: select, isEqual: equal } = latest.current;
    const previous = memo.current;
    if (previous && previous.snapshot === snapshot && previous.selector === select) {
      return previous.selected;
    }
    const selected = select(snapshot);
    if (previous && equal(previous.selected, selected)) {
      memo.current = { snapshot, selected: previous.selected, selector: select };
      return previous.selected;
    }
    memo.current = { snapshot, selected, selector: select };
    return selected;
  }, [getSnapshot]);

  return useSyncExternalStore(subscribe, getSelection, getSelection);
}
