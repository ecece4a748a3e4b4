// Ordering of responses: one `response.create` at a time, and what "quiet" means.
import type { CreateReason, ResponseFields } from './state.js';
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
  const eventId = t.command({ kind: 'create_response', options: responseFields(t) });
  t.state.createInFlight = { eventId, reason };
}

/**
 * The app's per-response fields, on GA only (beta has neither field) and not when the server
 * configures the session (its relay refuses overrides: the agent fixes them).
 */
function responseFields(t: Transition): ResponseFields | null {
  const fields = t.state.responseOptions;
  if (fields === null || t.state.dialect !== 'ga' || t.state.managedSession) return null;
  const { reasoning, parallel_tool_calls } = fields;
  const response: ResponseFields = {
    ...(reasoning === undefined ? {} : { reasoning }),
    ...(parallel_tool_calls === undefined ? {} : { parallel_tool_calls }),
  };
  return Object.keys(response).length > 0 ? response : null;
}

/** Asks for a response; several requests before it is sent make one `response.create`. */
export function requestResponse(t: Transition, reason: CreateReason): void {
  t.state.queuedCreate ??= reason;
}
