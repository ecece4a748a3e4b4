import { useMemo, useSyncExternalStore } from 'react';
import { createLevelsStore, silentAudioLevels } from '@parley/core';
import type { AudioLevels } from '@parley/core';
import { frameScheduler } from './frame.js';
import { useSessionInstance } from './voice-session-provider.js';

/** Levels before the first report, and on the server (core's `silentAudioLevels`). */
export { silentAudioLevels };

/**
 * Live input and output levels (0..1) of the nearest session, for visualizers. The session
 * reports levels far more often than a screen refreshes; this hook keeps only the latest report
 * and re-renders at most once per animation frame (core's `createLevelsStore`).
 *
 * @example
 * ```tsx
 * const { input, output } = useAudioLevels();
 * return <meter min={0} max={1} value={input.rms} aria-label="Your voice" />;
 * ```
 */
export function useAudioLevels(): AudioLevels {
  const session = useSessionInstance();
  const store = useMemo(() => createLevelsStore(session, frameScheduler), [session]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, getServerLevels);
}

function getServerLevels(): AudioLevels {
  return silentAudioLevels;
}
