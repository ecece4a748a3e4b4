// The audio port of the current conversation, for the parts of the UI that talk to the devices
// (pickers, the sound unlock button).
import { createContext, useContext } from 'react';
import type { ParleyAudioPort } from '@parley/audio-worklets';

export const AudioPortContext = createContext<ParleyAudioPort | null>(null);

export function useAudioPort(): ParleyAudioPort | null {
  return useContext(AudioPortContext);
}
