import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { TurnState, VoiceSessionStatus } from '@parley/core';
import { useVoiceSelector } from '@parley/react';

const statusLabel: Record<VoiceSessionStatus, string> = {
  idle: 'Ready',
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Conversation ended',
  error: 'Something went wrong',
};

const turnLabel: Record<TurnState, string> = {
  listening: 'Listening',
  user_speaking: 'You are speaking',
  thinking: 'Thinking…',
  agent_speaking: 'Agent is speaking',
};

/** The status pill: connection, then whose turn it is. */
export function StatusPill(): ReactNode {
  const status = useVoiceSelector((snapshot) => snapshot.status);
  const turn = useVoiceSelector((snapshot) => snapshot.turn);
  const text = status === 'connected' ? turnLabel[turn] : statusLabel[status];
  return (
    <p
      className={`status-pill status-pill--${status} status-pill--turn-${turn}`}
      data-status={status}
      data-turn={turn}
    >
      <span className="status-pill__dot" aria-hidden="true" />
      {text}
    </p>
  );
}

/** Why an `'auto'` session is on WebSocket, worded for the visitor (core's `WebRtcFailure`). */
const fallbackLabel: Record<string, string> = {
  webrtc_unsupported: 'this browser has no WebRTC',
  webrtc_not_offered: 'the server offers no WebRTC',
  relay_required: 'this agent talks through the relay',
  offer_refused: 'the server refused the WebRTC call',
  microphone_unavailable: 'the microphone could not open for WebRTC',
  ice_failed: 'the network blocked WebRTC',
  connect_timeout: 'WebRTC did not connect in time',
};

/** Which transport carries the conversation, and why it is not WebRTC when it fell back. */
export function TransportNote(): ReactNode {
  const transport = useVoiceSelector((snapshot) => snapshot.transport);
  const reason = useVoiceSelector((snapshot) => snapshot.transportFallbackReason);
  if (transport === null) return null;
  return (
    <p className="transport-note" data-testid="transport" data-transport={transport}>
      {transport === 'webrtc' ? 'Audio over WebRTC' : 'Audio over WebSocket'}
      {reason ? ` (${fallbackLabel[reason] ?? reason})` : ''}
    </p>
  );
}

/** What a screen reader hears, politely, when the connection or the microphone changes. */
function announcement(
  status: VoiceSessionStatus,
  muted: boolean,
  attempt: number,
  wasLive: boolean,
): string {
  switch (status) {
    case 'idle':
      // Idle again after a conversation: the app ended it.
      return wasLive ? 'Conversation ended.' : '';
    case 'connecting':
      return 'Connecting to the agent.';
    case 'connected':
      return muted ? 'Connected. Your microphone is muted.' : 'Connected. The agent is listening.';
    case 'reconnecting':
      return attempt > 0
        ? `Connection lost. Reconnecting, attempt ${attempt}.`
        : 'Connection lost. Reconnecting.';
    case 'closed':
      return 'Conversation ended.';
    case 'error':
      return 'The conversation stopped because of an error.';
  }
}

/**
 * A polite live region for status changes. It only changes text when the status (or mute)
 * changes, so turn-by-turn activity is not read out over the agent's own voice.
 */
export function StatusAnnouncer(): ReactNode {
  const status = useVoiceSelector((snapshot) => snapshot.status);
  const muted = useVoiceSelector((snapshot) => snapshot.muted);
  const attempt = useVoiceSelector((snapshot) => snapshot.reconnectAttempt);
  const [message, setMessage] = useState('');
  const wasLive = useRef(false);
  useEffect(() => {
    setMessage(announcement(status, muted, attempt, wasLive.current));
    if (status === 'connected' || status === 'reconnecting') wasLive.current = true;
    if (status === 'closed' || status === 'error') wasLive.current = false;
  }, [status, muted, attempt]);
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="true">
      {message}
    </div>
  );
}
