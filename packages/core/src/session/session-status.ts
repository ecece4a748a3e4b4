import type { VoiceSessionStatus } from '../types.js';

/**
 * Whether a conversation is under way: the session is connecting, connected or reconnecting. It
 * holds (or is opening) the microphone and a socket until `disconnect()` or a failure, and the
 * commands an app offers during a conversation are accepted: text sent before the link is open
 * is held and sent once it is. False for `idle`, `closed` and `error`, where the next step is
 * `connect()`. One definition for every app: "End conversation" versus "Start conversation".
 *
 * @example
 * ```ts
 * const label = isSessionActive(snapshot.status) ? 'End conversation' : 'Start conversation';
 * ```
 */
export function isSessionActive(status: VoiceSessionStatus): boolean {
  return status === 'connecting' || status === 'connected' || status === 'reconnecting';
}
