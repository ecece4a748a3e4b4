// Ordering of responses: one `response.create` at a time, and what "quiet" means.
import type { CreateReason } from './state.js';
import type { Transition } from './transition.js';

/** Stands in for a response the server says is active but whose id the client never saw. */
export const UNKNOWN_RESPONSE = 'resp_unknown';

/** Marks activity now (for the idle timeout). */
export function touch(t: Transition): void {
  t.s.lastActivityAt = t.at;
}

/** Nothing is happening: no speech, response, audio or tool. */
export function isQuiet(t: Transition): boolean {
  return (
    !t.s.userSpeaking &&
    !t.snap.pushToTalk &&
    t.s.activeResponseId === null &&
    t.s.createInFlight === null &&
    t.s.queuedCreate === null &&
    t.s.playback === null &&
    t.s.runningCalls.size === 0 &&
    !t.s.awaitingResponse
  );
}

/** Sends the queued `response.create` once nothing is active and the config has landed. */
export function pumpResponseCreate(t: Transition): void {
  if (t.s.queuedCreate === null || !t.online || t.s.awaitingUpdate !== null) return;
  if (t.s.activeResponseId !== null || t.s.createInFlight !== null) return;
  const reason: CreateReason = t.s.queuedCreate;
  t.s.queuedCreate = null;
  t.s.createInFlight = { eventId: t.send({ type: 'response.create' }), reason };
}

/** Asks for a response; several requests before it is sent make one `response.create`. */
export function requestResponse(t: Transition, reason: CreateReason): void {
  t.s.queuedCreate ??= reason;
}
