// Realtime events of the session family: the session started and updated, errors, and the event
// types this version does not know (counted, never applied).
import { ParleyError } from '../../errors.js';
import { applySessionInfo, onSessionCreated } from '../connection.js';
import { UNKNOWN_RESPONSE } from '../sequencing.js';
import type { NeutralEventHandlers, RealtimeEventOf, StampedTransition } from '../transition.js';

/**
 * Server error codes that are races, not failures (§8 of the protocol reference): counted in
 * `diagnostics.benignErrors` and reported as warnings, never as `snapshot.error`.
 */
export const BENIGN_ERROR_CODES: ReadonlySet<string> = new Set([
  'response_cancel_not_active',
  'conversation_already_has_active_response',
  'item_truncate_invalid_item_id',
  'input_audio_buffer_commit_empty',
]);

export const sessionEventHandlers: NeutralEventHandlers = {
  session_started: (t, event) => onSessionCreated(t, event.sessionId, event.config, t.wallAt),
  session_updated: (t, event) => {
    t.state.awaitingUpdate = null;
    applySessionInfo(t, event.config);
  },
  error: onServerError,
  unknown: (t) => t.diagnostics((d) => ({ unknownEvents: d.unknownEvents + 1 })),
};

function onServerError(t: StampedTransition, error: RealtimeEventOf<'error'>): void {
  const { code, commandId: causedBy } = error;
  if (causedBy !== null && causedBy === t.state.awaitingUpdate) t.state.awaitingUpdate = null;
  if (code !== null && BENIGN_ERROR_CODES.has(code)) {
    onBenignError(t, code, causedBy, error.message);
    return;
  }
  if (code === 'session_expired') {
    t.effect({ type: 'warning', code, message: error.message });
    if (t.state.rollover === 'none') t.state.rollover = 'due';
    // The session is over whatever is going on: roll over now.
    if (t.online) {
      t.state.rollover = 'closing';
      t.diagnostics((d) => ({ rollovers: d.rollovers + 1 }));
      t.effect({ type: 'close', code: 1000, reason: 'rollover' });
    }
    return;
  }
  if (t.state.createInFlight !== null && causedBy === t.state.createInFlight.eventId)
    t.state.createInFlight = null;
  const failure = new ParleyError('server', error.message, code === null ? {} : { code });
  t.set('error', failure);
  t.effect({ type: 'error', error: failure });
}

/** A race the protocol allows: counted, warned about, and the bookkeeping it affects repaired. */
function onBenignError(
  t: StampedTransition,
  code: string,
  causedBy: string | null,
  message: string,
): void {
  t.countBenign(code);
  t.effect({ type: 'warning', code, message });
  if (code === 'conversation_already_has_active_response') {
    // Our response.create lost a race with one the server started: ask again after it ends.
    const ours = t.state.createInFlight ?? t.state.recentCreate;
    if (ours !== null && (causedBy === null || causedBy === ours.eventId)) {
      t.state.createInFlight = null;
      t.state.recentCreate = null;
      t.state.queuedCreate ??= ours.reason;
      if (t.state.activeResponseId === null) {
        t.state.activeResponseId = /resp_[A-Za-z0-9]+/.exec(message)?.[0] ?? UNKNOWN_RESPONSE;
      }
    }
  } else if (code === 'input_audio_buffer_commit_empty') {
    t.state.awaitingResponse = false;
    if (t.state.queuedCreate === 'commit') t.state.queuedCreate = null;
  } else if (code === 'response_cancel_not_active') {
    t.state.cancelOnCreated = false;
  }
}
