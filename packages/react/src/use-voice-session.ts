import { useMemo, useSyncExternalStore } from 'react';
import type { VoiceSession, VoiceSessionSnapshot } from '@parley/core';
import { useSessionInstance, useSessionStore } from './voice-session-provider.js';

/** The commands of a voice session, bound so they can be passed around as callbacks. */
export interface VoiceSessionCommands {
  connect: VoiceSession['connect'];
  disconnect: VoiceSession['disconnect'];
  sendText: VoiceSession['sendText'];
  commitAudio: VoiceSession['commitAudio'];
  startPushToTalk: VoiceSession['startPushToTalk'];
  stopPushToTalk: VoiceSession['stopPushToTalk'];
  interrupt: VoiceSession['interrupt'];
  mute: VoiceSession['mute'];
  updateSession: VoiceSession['updateSession'];
  /** GPT-Live: appends instructions, silent thinking or commentary to speak (`capabilities.appendContext`). */
  appendContext: VoiceSession['appendContext'];
  /** GPT-Live: continues the conversation in a fork of the session (`capabilities.fork`). */
  fork: VoiceSession['fork'];
  registerTool: VoiceSession['registerTool'];
}

/** What {@link useVoiceSession} returns: the current snapshot, the commands and the session. */
export type UseVoiceSessionResult = VoiceSessionSnapshot &
  VoiceSessionCommands & {
    /** The underlying session, for what the hooks do not cover (e.g. `session.on(...)`). */
    session: VoiceSession;
  };

/**
 * The state of the nearest session (status, turn, items with streaming transcripts, metrics,
 * usage, error, muted) and its commands. Re-renders when the session's snapshot changes; use
 * {@link useVoiceSelector} to re-render on less.
 *
 * @example
 * ```tsx
 * const { status, connect, disconnect } = useVoiceSession();
 * return status === 'connected'
 *   ? <button onClick={() => void disconnect()}>End conversation</button>
 *   : <button onClick={() => void connect()}>Start conversation</button>;
 * ```
 */
export function useVoiceSession(): UseVoiceSessionResult {
  const session = useSessionInstance();
  const { subscribe, getSnapshot } = useSessionStore(session);
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  const commands = useMemo(() => bindCommands(session), [session]);
  return useMemo(() => ({ ...snapshot, ...commands, session }), [snapshot, commands, session]);
}

function bindCommands(session: VoiceSession): VoiceSessionCommands {
  return {
    connect: () => session.connect(),
    disconnect: () => session.disconnect(),
    sendText: (text) => session.sendText(text),
    commitAudio: () => session.commitAudio(),
    startPushToTalk: () => session.startPushToTalk(),
    stopPushToTalk: () => session.stopPushToTalk(),
    interrupt: () => session.interrupt(),
    mute: (muted) => session.mute(muted),
    updateSession: (patch) => session.updateSession(patch),
    appendContext: (channel, content, options) => session.appendContext(channel, content, options),
    fork: (overrides) => session.fork(overrides),
    registerTool: (tool) => session.registerTool(tool),
  };
}
