import { useRef } from 'react';
import type { KeyboardEvent, ReactNode } from 'react';
import { useVoiceSelector, useVoiceSession } from '@parley/react';
import { HandIcon } from './icons.js';

/**
 * Hold to talk: pointer down (or Space/Enter held) starts a push-to-talk turn, release ends it.
 * Starting interrupts the agent, as a raised hand would.
 */
export function PushToTalkButton(): ReactNode {
  const { startPushToTalk, stopPushToTalk } = useVoiceSession();
  const held = useVoiceSelector((snapshot) => snapshot.pushToTalk);
  // A refused microphone leaves nothing to send: typing is the way to talk then.
  const connected = useVoiceSelector(
    (snapshot) => snapshot.status === 'connected' && snapshot.error?.reason !== 'permission',
  );
  // GPT-Live's model decides when a turn ends: there is no buffer to commit, so no push-to-talk.
  const canCommit = useVoiceSelector((snapshot) => snapshot.capabilities?.commitAudio !== false);
  const holding = useRef(false);

  const press = (): void => {
    if (holding.current || !connected) return;
    holding.current = true;
    startPushToTalk();
  };
  const release = (): void => {
    if (!holding.current) return;
    holding.current = false;
    stopPushToTalk();
  };
  const onKeyDown = (event: KeyboardEvent): void => {
    if (event.key !== ' ' && event.key !== 'Enter') return;
    event.preventDefault();
    if (!event.repeat) press();
  };
  const onKeyUp = (event: KeyboardEvent): void => {
    if (event.key !== ' ' && event.key !== 'Enter') return;
    event.preventDefault();
    release();
  };

  if (!canCommit) return null;
  return (
    <button
      type="button"
      className={`control control--ptt${held ? ' control--active' : ''}`}
      aria-pressed={held}
      disabled={!connected}
      onPointerDown={(event) => {
        event.currentTarget.setPointerCapture?.(event.pointerId);
        press();
      }}
      onPointerUp={release}
      onPointerCancel={release}
      onLostPointerCapture={release}
      onKeyDown={onKeyDown}
      onKeyUp={onKeyUp}
      onBlur={release}
    >
      <HandIcon />
      {held ? 'Release to send' : 'Hold to talk'}
    </button>
  );
}
