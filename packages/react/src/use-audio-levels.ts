import { useMemo, useSyncExternalStore } from 'react';
import type { AudioLevels } from '@parley/core';
import type { VoiceSession } from '@parley/core';
import { cancelFrame, requestFrame } from './frame.js';
import { useSessionInstance } from './voice-session-provider.js';

/** Levels before the first report, and on the server. */
export const silentAudioLevels: AudioLevels = Object.freeze({
  input: Object.freeze({ rms: 0, peak: 0 }),
  output: Object.freeze({ rms: 0, peak: 0 }),
  inputSpeaking: false,
});

/**
 * Live input and output levels (0..1) of the nearest session, for visualizers. The session
 * reports levels far more often than a screen refreshes; this hook keeps only the latest report
 * and re-renders at most once per animation frame.
 *
 * @example
 * ```tsx
 * const { input, output } = useAudioLevels();
 * return <meter min={0} max={1} value={input.rms} aria-label="Your voice" />;
 * ```
 */
export function useAudioLevels(): AudioLevels {
  const session = useSessionInstance();
  const store = useMemo(() => createFrameThrottledLevels(session), [session]);
  return useSyncExternalStore(store.subscribe, store.getSnapshot, getServerLevels);
}

function getServerLevels(): AudioLevels {
  return silentAudioLevels;
}

interface LevelsStore {
  subscribe: (onChange: () => void) => () => void;
  getSnapshot: () => AudioLevels;
}

/** Coalesces level reports into one published value per animation frame. */
function createFrameThrottledLevels(session: VoiceSession): LevelsStore {
  let published = silentAudioLevels;
  return {
    subscribe: (onChange) => {
      let latest: AudioLevels | null = null;
      let frame: number | null = null;
      const flush = (): void => {
        frame = null;
        if (latest === null) return;
        published = latest;
        latest = null;
        onChange();
      };
      const off = session.on('levels', (levels) => {
        latest = levels;
        frame ??= requestFrame(flush);
      });
      return () => {
        off();
        if (frame !== null) cancelFrame(frame);
        frame = null;
      };
    },
    getSnapshot: () => published,
  };
}
