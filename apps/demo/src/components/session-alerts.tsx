import type { ReactNode } from 'react';
import type { ParleyError } from '@parley/core';
import { useVoiceSelector, useVoiceSession } from '@parley/react';
import { startConversation } from './start-button.js';

interface Explained {
  tone: 'error' | 'warning' | 'info';
  title: string;
  detail: string;
  retry: boolean;
}

/** Puts an error into words a visitor can act on. Switches on `reason`, never on message text. */
export function explainError(error: ParleyError): Explained {
  switch (error.reason) {
    case 'permission':
      return {
        tone: 'error',
        title: 'Microphone access is blocked',
        detail:
          'Allow the microphone for this site (the camera/microphone icon in the address bar), then start again. You can also type below.',
        retry: true,
      };
    case 'audio':
      return {
        tone: 'error',
        title: 'No microphone could be opened',
        detail:
          'Check that a microphone is connected and not used by another app, or pick another one in Audio settings.',
        retry: true,
      };
    case 'auth':
    case 'transport':
      return {
        tone: 'error',
        title: 'The Parley server cannot be reached',
        detail:
          'The server may be down or restarting. Check your connection and try again in a moment.',
        retry: true,
      };
    case 'limit':
      return {
        tone: 'info',
        title: 'The session reached its limit',
        detail: error.message,
        retry: true,
      };
    case 'server':
      return {
        tone: 'error',
        title: 'The agent reported an error',
        detail: error.message,
        retry: true,
      };
    default:
      return { tone: 'error', title: 'Something went wrong', detail: error.message, retry: true };
  }
}

/** The states a visitor must see: errors, reconnecting, and the end of the conversation. */
export function SessionAlerts(): ReactNode {
  const status = useVoiceSelector((snapshot) => snapshot.status);
  const error = useVoiceSelector((snapshot) => snapshot.error);
  const attempt = useVoiceSelector((snapshot) => snapshot.reconnectAttempt);
  const { connect } = useVoiceSession();

  if (status === 'reconnecting') {
    return (
      <div className="alert alert--warning" role="alert" data-state="reconnecting">
        <strong>Connection lost, reconnecting…</strong>
        <span>
          {attempt > 0 ? `Attempt ${attempt}. ` : ''}The conversation will pick up where it left
          off.
        </span>
      </div>
    );
  }
  if (status === 'connected' && error?.reason === 'permission') {
    // The microphone was refused but the conversation is open: typing works, replies are heard.
    return (
      <div className="alert alert--warning" role="alert" data-state="microphone-blocked">
        <strong>Microphone access is blocked</strong>
        <span>
          Type your messages below; the agent still answers aloud. To speak instead, allow the
          microphone for this site (the icon in the address bar), then end and start again.
        </span>
      </div>
    );
  }
  if (status === 'error' && error) {
    const explained = explainError(error);
    return (
      <div
        className={`alert alert--${explained.tone}`}
        role="alert"
        data-state="error"
        data-reason={error.reason}
      >
        <strong>{explained.title}</strong>
        <span>{explained.detail}</span>
        {explained.retry ? (
          <button type="button" className="control" onClick={() => startConversation(connect)}>
            Try again
          </button>
        ) : null}
      </div>
    );
  }
  if (status === 'closed') {
    return (
      <div className="alert alert--info" role="status" data-state="closed">
        <strong>Conversation ended.</strong>
        <span>
          {error
            ? explainError(error).detail
            : 'Start again whenever you like; the transcript stays here.'}
        </span>
      </div>
    );
  }
  return null;
}
