import type { ReactNode } from 'react';
import { useAudioLevels, useVoiceSelector } from '@parley/react';

const BARS = 13;
// A symmetric envelope so the bars read as a voice, tallest in the middle.
const ENVELOPE = Array.from({ length: BARS }, (_, index) => {
  const distance = Math.abs(index - (BARS - 1) / 2) / ((BARS - 1) / 2);
  return 0.35 + 0.65 * Math.cos((distance * Math.PI) / 2);
});

function Meter({
  label,
  rms,
  peak,
  active,
}: {
  label: string;
  rms: number;
  peak: number;
  active: boolean;
}): ReactNode {
  // Speech RMS rarely passes 0.3; a square-root curve makes quiet speech visible.
  const level = Math.min(1, Math.sqrt(Math.min(1, rms * 3)));
  const sparkle = Math.min(1, peak);
  return (
    <figure className={`meter${active ? ' meter--active' : ''}`} data-level={level.toFixed(3)}>
      <div className="meter__bars" aria-hidden="true">
        {ENVELOPE.map((shape, index) => {
          const wobble = index % 2 === 0 ? 1 : 0.82 + 0.18 * sparkle;
          const height = 6 + 94 * level * shape * wobble;
          return (
            <span key={index} className="meter__bar" style={{ height: `${height.toFixed(1)}%` }} />
          );
        })}
      </div>
      <figcaption className="meter__label">{label}</figcaption>
    </figure>
  );
}

/** Live levels of the visitor's microphone and of the agent's voice, repainted once per frame. */
export function LevelVisualizer(): ReactNode {
  const { input, output, inputSpeaking } = useAudioLevels();
  const turn = useVoiceSelector((snapshot) => snapshot.turn);
  const muted = useVoiceSelector((snapshot) => snapshot.muted);
  return (
    <div className="visualizer" role="group" aria-label="Voice levels">
      <Meter
        label={muted ? 'You (muted)' : 'You'}
        rms={muted ? 0 : input.rms}
        peak={muted ? 0 : input.peak}
        active={!muted && (inputSpeaking || turn === 'user_speaking')}
      />
      <Meter label="Agent" rms={output.rms} peak={output.peak} active={turn === 'agent_speaking'} />
    </div>
  );
}
