// Ordering of responses: one `response.create` at a time, and what "quiet" means.
import type { CreateReason } from './state.js';
import type { Transition } from './transition.js';

/** Stands in for a response the server says is active but whose id the client never saw. */
export const UNKNOWN_RESPONSE = 'resp_unknown';

/** Marks activity now (for the idle timeout). */
export function touch(t: Transition): void {
  t.state.lastActivityAt = t.at;
}

/** Nothing is happening: no speech, response, audio or tool. */
export function isQuiet(t: Transition): boolean {
  return (
    !t.state.userSpeaking &&
    !t.snapshot.pushToTalk &&
    t.state.activeResponseId === null &&
    t.state.createInFlight === null &&
    t.state.queuedCreate === null &&
    t.state.playback === null &&
    t.state.runningCalls.size === 0 &&
    !t.state.awaitingResponse
  );
}

/** Sends the queued `response.create` once nothing is active and the config has landed. */
export function pumpResponseCreate(t: Transition): void {
  if (t.state.queuedCreate === null || !t.online || t.state.awaitingUpdate !== null) return;
  if (t.state.activeResponseId !== null || t.state.createInFlight !== null) return;
  const reason: CreateReason = t.state.queuedCreate;
  t.state.queuedCreate = null;
  t.state.createInFlight = { eventId: t.send({ type: 'response.create' }), reason };
}

/** Asks for a response; several requests before it is sent make one `response.create`. */
export function requestResponse(t: Transition, reason: CreateReason): void {
  t.state.queuedCreate ??= reason;
}
