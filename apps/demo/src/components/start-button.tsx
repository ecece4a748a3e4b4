import type { ReactNode } from 'react';
import { isSessionActive } from '@parley/core';
import { useVoiceSession } from '@parley/react';
import { PhoneIcon, StopIcon } from './icons.js';

/**
 * Connects, leaving the failure to the snapshot: `connect()` rejects when the session ends in an
 * error, which the alerts already show, so the rejection must not surface as an unhandled one.
 */
export function startConversation(connect: () => Promise<void>): void {
  connect().catch(() => undefined);
}

/** The one big control: "Start conversation", then "End conversation". */
export function StartButton(): ReactNode {
  const { status, connect, disconnect } = useVoiceSession();
  const live = isSessionActive(status);
  return (
    <button
      type="button"
      className={`start-button${live ? ' start-button--live' : ''}`}
      onClick={() => (live ? void disconnect() : startConversation(connect))}
    >
      {live ? <StopIcon /> : <PhoneIcon />}
      {live ? 'End conversation' : 'Start conversation'}
    </button>
  );
}
