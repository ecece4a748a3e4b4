import type { ReactNode } from 'react';
import type { PublicAgent } from '../lib/agents.js';

/**
 * For an agent whose turn detection is off: only a held and released push-to-talk turn is
 * answered, so say that speaking alone does nothing (and that typing works too).
 */
export function PushToTalkHint({
  turnDetection,
}: {
  turnDetection: PublicAgent['turnDetection'];
}): ReactNode {
  if (turnDetection !== 'manual') return null;
  return (
    <p className="stage__hint" data-testid="push-to-talk-hint">
      This agent listens only while you hold “Hold to talk”: speaking alone does nothing. Release
      the button to send, or type below.
    </p>
  );
}
