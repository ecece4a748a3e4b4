import type { ReactNode } from 'react';
import { useVoiceSelector, useVoiceSession } from '@parley/react';
import { MicIcon, MicOffIcon } from './icons.js';

/** Mutes the microphone (works before starting too). */
export function MuteButton(): ReactNode {
  const muted = useVoiceSelector((snapshot) => snapshot.muted);
  const { mute } = useVoiceSession();
  return (
    <button type="button" className="control" aria-pressed={muted} onClick={() => mute(!muted)}>
      {muted ? <MicOffIcon /> : <MicIcon />}
      {muted ? 'Unmute' : 'Mute'}
    </button>
  );
}
