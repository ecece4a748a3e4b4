import type { ReactNode } from 'react';

/**
 * Tells the visitor that this agent records its conversations, in the agent's own words, before
 * they start talking and for as long as the conversation is on screen.
 */
export function RecordingNotice({ notice }: { notice: string | null }): ReactNode {
  if (notice === null) return null;
  return (
    <p className="stage__notice" role="note" data-testid="recording-notice">
      <span aria-hidden="true">● </span>
      {notice}
    </p>
  );
}
