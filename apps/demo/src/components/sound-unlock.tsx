import { useSyncExternalStore } from 'react';
import type { ReactNode } from 'react';
import { useAudioPort } from '../audio-context.js';

const noop = (): (() => void) => () => undefined;

/** Shown when the browser holds audio until a tap (autoplay rules, iOS). */
export function SoundUnlock(): ReactNode {
  const audio = useAudioPort();
  const state = useSyncExternalStore(
    audio ? (listener) => audio.onStateChange(listener) : noop,
    () => audio?.state ?? 'idle',
    () => 'idle' as const,
  );
  if (state !== 'blocked' || !audio) return null;
  return (
    <div className="alert alert--warning" role="alert" data-state="audio-blocked">
      <strong>Sound is paused by the browser.</strong>
      <button
        type="button"
        className="control control--primary"
        onClick={() => void audio.unlock()}
      >
        Turn sound on
      </button>
    </div>
  );
}
