import { ParleyError } from '../errors.js';
import type { ClientItem, ServerEvent, UnknownEvent } from '../protocol/index.js';
import {
  addResponseUsage,
  appendText,
  applyAudioDelta,
  applyAudioDone,
  applyServerItem,
  finalText,
  markOutput,
  markPlayed,
  markTruncated,
  setResponse,
  settleResponseItems,
  startTurnMetrics,
  store,
} from './conversation.js';
import type { MachineEffect } from './effects.js';
import type { MachineEvent } from './events.js';
import { withView } from './items.js';
import type { MachineState } from './state.js';
import { bargeIn, onFlushed } from './barge-in.js';
import {
  applySessionInfo,
  fail,
  maybeRollOver,
  mergeConfig,
  mergeTools,
  onConnect,
  onDisconnect,
  onSessionCreated,
  onTimer,
  onTransportClosed,
  retry,
  sessionPayload,
} from './connection.js';
import { pumpResponseCreate, requestResponse, touch, UNKNOWN_RESPONSE } from './sequencing.js';
import {
  appendArguments,
  finalArguments,
  followUpAfterTools,
  onToolResult,
  startCall,
} from './tool-calls.js';
import { Transition } from './transition.js';

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

/**
 * The conversation state machine: a pure function from a state and an event to the next state
 * and the effects to carry out. No I/O, timers, clock reads or randomness: those come in with the
 * events, and go out as effects.
 *
 * @example
 * ```ts
 * let state = initialState();
 * const { state: next, effects } = reduce(state, { type: 'connect', idPrefix: 'evt_', at: 0 });
 * ```
 */
export function reduce(
  state: MachineState,
  event: MachineEvent,
): { state: MachineState; effects: MachineEffect[] } {
  const t = new Transition(state, event.at);
  switch (event.type) {
    case 'server':
      // Only a socket that is open can deliver events; anything else is from a retired one.
      if (t.s.link === 'open') onServerEvent(t, event.event, event.wallAt);
      break;
    case 'protocol_error':
      t.diagnostics((d) => ({ malformedEvents: d.malformedEvents + 1 }));
      t.effect({ type: 'warning', code: 'malformed_event', message: event.message });
      break;
    case 'connect':
      onConnect(t, event.idPrefix);
      break;
    case 'disconnect':
      onDisconnect(t);
      break;
    case 'credentials_ready':
      t.s.dialect = event.dialect;
      t.s.serverRunsTools = event.serverRunsTools;
      t.s.managedSession = event.managedSession === true;
      if (event.model !== null && t.snap.model === null) t.set('model', event.model);
      break;
    case 'credentials_failed':
      if (t.s.link === 'opening' && t.s.wantConnected) {
        t.s.link = 'none';
        retry(t, 'auth', `Could not get credentials: ${event.message}`, event.random);
      }
      break;
    case 'transport_open':
      if (t.s.link === 'opening') t.s.link = 'open';
      break;
    case 'transport_closed':
      onTransportClosed(t, event);
      break;
    case 'timer':
      onTimer(t, event.timer);
      break;
    case 'playback_started': {
      const record = t.record(event.itemId);
      markPlayed(t, record?.view.responseId ?? null);
      touch(t);
      break;
    }
    case 'playback_idle': {
      const { itemId, playedSamples } = event.position;
      t.s.lastIdle = { itemId, playedSamples };
      const record = t.record(itemId);
      if (
        t.s.playback?.itemId === itemId &&
        record !== undefined &&
        record.audioDone &&
        playedSamples >= record.audioSamples
      ) {
        t.s.playback = null;
      }
      touch(t);
      break;
    }
    case 'playback_flushed':
      onFlushed(t, event.position);
      break;
    case 'audio_failed':
      if (event.permission) {
        // A refused microphone does not end the conversation: the visitor can still type, and the
        // audio port keeps the speaker running, so the replies are heard. The error stays on the
        // snapshot (status unchanged) so the UI can say why speaking does nothing.
        const error = new ParleyError('permission', event.message);
        t.set('error', error);
        t.effect({ type: 'error', error });
      } else {
        fail(t, new ParleyError('audio', event.message));
      }
      break;
    case 'send_text':
      onSendText(t, event.text, event.itemId, event.wallAt);
      break;
    case 'commit_audio':
      if (t.online) t.send({ type: 'input_audio_buffer.commit' });
      endUserTurn(t);
      break;
    case 'push_to_talk':
      onPushToTalk(t, event.pressed);
      break;
    case 'interrupt':
      bargeIn(t, true);
      break;
    case 'mute':
      if (t.snap.muted !== event.muted) {
        t.set('muted', event.muted);
        t.effect({ type: 'audio_mute', muted: event.muted });
      }
      break;
    case 'update_session':
      t.s.desiredSession = mergeConfig(t.s.desiredSession, event.patch);
      if (t.online && t.s.managedSession) {
        t.effect({
          type: 'warning',
          code: 'session_managed',
          message: 'The server configures this session; the update was not sent',
        });
      } else if (t.online) {
        t.s.awaitingUpdate = t.send({
          type: 'session.update',
          session: sessionPayload(event.patch, null),
        });
      }
      break;
    case 'tools_changed':
      t.s.clientTools = event.tools;
      if (t.online && !t.s.managedSession) {
        t.s.awaitingUpdate = t.send({
          type: 'session.update',
          session: sessionPayload({}, mergeTools(t.s.desiredSession.tools, event.tools) ?? []),
        });
      }
      break;
    case 'tool_result':
      onToolResult(t, event.callId, event.output, event.error);
      break;
  }
  pumpResponseCreate(t);
  maybeRollOver(t);
  return t.finish();
}

function onServerEvent(t: Transition, event: ServerEvent | UnknownEvent, wallAt: number): void {
  if ('unknown' in event && event.unknown === true) {
    t.diagnostics((d) => ({ unknownEvents: d.unknownEvents + 1 }));
    return;
  }
  const known = event as ServerEvent;
  // Out-of-band responses (`conversation: "none"`) are not part of the conversation: only their
  // usage counts.
  if (
    'response_id' in known &&
    typeof known.response_id === 'string' &&
    t.s.outOfBand.includes(known.response_id)
  ) {
    return;
  }
  switch (known.type) {
    case 'session.created':
      onSessionCreated(t, known.session, wallAt);
      break;
    case 'session.updated':
      t.s.awaitingUpdate = null;
      applySessionInfo(t, known.session);
      break;
    case 'error':
      onServerError(t, known.error);
      break;
    case 'conversation.item.added':
    case 'conversation.item.done':
    case 'conversation.item.retrieved':
      applyServerItem(t, known.item, {
        previousItemId:
          known.type === 'conversation.item.retrieved' ? undefined : known.previous_item_id,
        final: known.type === 'conversation.item.done',
        wallAt,
        positioned: known.type !== 'conversation.item.retrieved',
      });
      break;
    case 'conversation.item.truncated':
      markTruncated(t, known.item_id, known.audio_end_ms);
      break;
    case 'conversation.item.deleted':
      t.remove(known.item_id);
      break;
    case 'conversation.item.input_audio_transcription.delta':
      if (known.delta) appendText(t, known.item_id, known.delta, 'user', wallAt, null, 'audio');
      break;
    case 'conversation.item.input_audio_transcription.completed': {
      finalText(t, known.item_id, known.transcript, 'user', wallAt, {
        streaming: false,
        modality: 'audio',
      });
      const usage = known.usage;
      if (usage) {
        const current = t.snap.usage;
        const tokens =
          usage.type === 'tokens'
            ? (usage.total_tokens ?? (usage.input_tokens ?? 0) + (usage.output_tokens ?? 0))
            : 0;
        const seconds = usage.type === 'duration' ? usage.seconds : 0;
        t.set('usage', {
          ...current,
          transcription: {
            tokens: current.transcription.tokens + tokens,
            seconds: current.transcription.seconds + seconds,
          },
        });
      }
      break;
    }
    case 'conversation.item.input_audio_transcription.failed': {
      const record = t.record(known.item_id);
      if (record?.view.type === 'message') {
        store(
          t,
          withView(record, {
            streaming: false,
            transcriptionError: known.error.message ?? known.error.code ?? 'transcription failed',
          }),
        );
      }
      break;
    }
    case 'input_audio_buffer.speech_started':
      t.s.userSpeaking = true;
      t.s.awaitingResponse = false;
      touch(t);
      if (t.s.vad.interruptResponse) bargeIn(t, false);
      break;
    case 'input_audio_buffer.speech_stopped':
      t.s.userSpeaking = false;
      t.s.turnStart = t.at;
      t.s.awaitingResponse = t.s.vad.enabled && t.s.vad.createResponse;
      touch(t);
      break;
    case 'input_audio_buffer.timeout_triggered':
      t.s.turnStart = t.at;
      t.s.awaitingResponse = true;
      break;
    case 'response.created':
      onResponseCreated(t, known.response);
      break;
    case 'response.output_item.added':
    case 'response.output_item.done':
      applyServerItem(t, known.item, {
        final: known.type === 'response.output_item.done',
        responseId: known.response_id,
        wallAt,
        positioned: false,
      });
      if (
        known.type === 'response.output_item.done' &&
        known.item.type === 'function_call' &&
        known.item.id
      ) {
        startCall(t, known.item.id, known.item.status);
      }
      break;
    case 'response.content_part.added': {
      const record = t.record(known.item_id);
      const modality =
        known.part.type === 'audio' || known.part.type === 'output_audio' ? 'audio' : 'text';
      if (record?.view.type === 'message' && record.view.modality !== modality) {
        t.put(withView(record, { modality }));
      }
      break;
    }
    case 'response.content_part.done': {
      const text = known.part.transcript ?? known.part.text;
      if (typeof text === 'string' && text !== '')
        finalText(t, known.item_id, text, 'assistant', wallAt);
      break;
    }
    case 'response.output_text.delta':
      appendText(t, known.item_id, known.delta, 'assistant', wallAt, known.response_id);
      markOutput(t, known.response_id, 'text');
      break;
    case 'response.output_audio_transcript.delta':
      appendText(t, known.item_id, known.delta, 'assistant', wallAt, known.response_id, 'audio');
      markOutput(t, known.response_id, 'text');
      break;
    case 'response.output_text.done':
      finalText(t, known.item_id, known.text, 'assistant', wallAt);
      break;
    case 'response.output_audio_transcript.done':
      finalText(t, known.item_id, known.transcript, 'assistant', wallAt);
      break;
    case 'response.output_audio.delta':
      applyAudioDelta(t, known, wallAt);
      break;
    case 'response.output_audio.done':
      applyAudioDone(t, known.item_id);
      break;
    case 'response.function_call_arguments.delta':
      appendArguments(t, known.item_id, known.call_id, known.response_id, known.delta, wallAt);
      break;
    case 'response.function_call_arguments.done':
      finalArguments(
        t,
        known.item_id,
        known.call_id,
        known.response_id,
        known.arguments,
        known.name,
        wallAt,
      );
      break;
    case 'response.done':
      onResponseDone(t, known.response, wallAt);
      break;
    case 'output_audio_buffer.started': {
      // WebRTC: the server plays the audio; this is the agent becoming audible.
      const responseId = known.response_id ?? t.s.activeResponseId;
      if (responseId !== null && t.s.responses.has(responseId)) {
        t.s.playback = { itemId: null, responseId };
        const response = t.s.responses.get(responseId);
        if (response && !response.hasOutput) setResponse(t, { ...response, hasOutput: true });
        markPlayed(t, responseId);
      }
      break;
    }
    case 'output_audio_buffer.stopped':
    case 'output_audio_buffer.cleared':
      if (
        t.s.playback !== null &&
        (known.response_id === undefined || t.s.playback.responseId === known.response_id)
      ) {
        t.s.playback = null;
      }
      break;
    default:
      // Rate limits, MCP progress, DTMF, diarized segments: nothing in the conversation changes.
      break;
  }
}

function onServerError(
  t: Transition,
  error: Extract<ServerEvent, { type: 'error' }>['error'],
): void {
  const code = error.code ?? null;
  const causedBy = error.event_id ?? null;
  if (causedBy !== null && causedBy === t.s.awaitingUpdate) t.s.awaitingUpdate = null;
  if (code !== null && BENIGN_ERROR_CODES.has(code)) {
    t.countBenign(code);
    t.effect({ type: 'warning', code, message: error.message });
    if (code === 'conversation_already_has_active_response') {
      // Our response.create lost a race with one the server started: ask again after it ends.
      const ours = t.s.createInFlight ?? t.s.recentCreate;
      if (ours !== null && (causedBy === null || causedBy === ours.eventId)) {
        t.s.createInFlight = null;
        t.s.recentCreate = null;
        t.s.queuedCreate ??= ours.reason;
        if (t.s.activeResponseId === null) {
          t.s.activeResponseId = /resp_[A-Za-z0-9]+/.exec(error.message)?.[0] ?? UNKNOWN_RESPONSE;
        }
      }
    } else if (code === 'input_audio_buffer_commit_empty') {
      t.s.awaitingResponse = false;
      if (t.s.queuedCreate === 'commit') t.s.queuedCreate = null;
    } else if (code === 'response_cancel_not_active') {
      t.s.cancelOnCreated = false;
    }
    return;
  }
  if (code === 'session_expired') {
    t.effect({ type: 'warning', code, message: error.message });
    if (t.s.rollover === 'none') t.s.rollover = 'due';
    // The session is over whatever is going on: roll over now.
    if (t.online) {
      t.s.rollover = 'closing';
      t.diagnostics((d) => ({ rollovers: d.rollovers + 1 }));
      t.effect({ type: 'close', code: 1000, reason: 'rollover' });
    }
    return;
  }
  if (t.s.createInFlight !== null && causedBy === t.s.createInFlight.eventId)
    t.s.createInFlight = null;
  const failure = new ParleyError('server', error.message, code === null ? {} : { code });
  t.set('error', failure);
  t.effect({ type: 'error', error: failure });
}

function onResponseCreated(
  t: Transition,
  created: Extract<ServerEvent, { type: 'response.created' }>['response'],
): void {
  // The official types make the id optional: a response without one is still the one going on.
  const response = { ...created, id: created.id ?? UNKNOWN_RESPONSE };
  // Out-of-band responses (`conversation: "none"`) do not hold the conversation.
  if (response.conversation_id === null) {
    t.s.outOfBand = [...t.s.outOfBand.slice(-7), response.id];
    return;
  }
  const existing = t.s.responses.get(response.id);
  setResponse(t, {
    id: response.id,
    done: existing?.done ?? false,
    status: existing?.status ?? 'in_progress',
    hasOutput: existing?.hasOutput ?? false,
    clientCalls: existing?.clientCalls ?? [],
    turnStart: t.s.turnStart,
    followedUp: existing?.followedUp ?? false,
  });
  if (existing?.done !== true) t.s.activeResponseId = response.id;
  if (t.s.createInFlight !== null) {
    t.s.recentCreate = t.s.createInFlight;
    t.s.createInFlight = null;
  }
  t.s.awaitingResponse = false;
  if (t.s.cancelOnCreated) {
    t.s.cancelOnCreated = false;
    t.s.silencedResponseId = response.id;
    if (t.online) t.send({ type: 'response.cancel', response_id: response.id });
  }
  if (!existing) startTurnMetrics(t, response.id, t.s.turnStart);
  t.s.turnStart = null;
  touch(t);
}

function onResponseDone(
  t: Transition,
  done: Extract<ServerEvent, { type: 'response.done' }>['response'],
  wallAt: number,
): void {
  // Without an id (optional in the official types) the done is the active response's: the turn
  // must end, or it would stay on "thinking" for good.
  const response = { ...done, id: done.id ?? t.s.activeResponseId ?? UNKNOWN_RESPONSE };
  const status = response.status ?? 'completed';
  if (response.conversation_id === null || t.s.outOfBand.includes(response.id)) {
    if (response.usage) addResponseUsage(t, response.usage, response.id);
    return;
  }
  for (const output of response.output ?? []) {
    if (output.type === 'unparsed') continue;
    if (output.id !== undefined && (t.has(output.id) || output.type === 'message')) {
      applyServerItem(t, output, {
        final: true,
        responseId: response.id,
        wallAt,
        positioned: false,
      });
    }
  }
  settleResponseItems(t, response.id, status);
  if (response.usage) addResponseUsage(t, response.usage, response.id);
  const existing = t.s.responses.get(response.id);
  setResponse(t, {
    id: response.id,
    done: true,
    status,
    hasOutput: existing?.hasOutput ?? false,
    clientCalls: existing?.clientCalls ?? [],
    turnStart: existing?.turnStart ?? null,
    followedUp: existing?.followedUp ?? false,
  });
  if (t.s.activeResponseId === response.id || t.s.activeResponseId === UNKNOWN_RESPONSE) {
    t.s.activeResponseId = null;
  }
  if (t.s.createInFlight === null) t.s.recentCreate = null;
  touch(t);
  followUpAfterTools(t, response.id);
}

/** Ends the user's turn (commit, push-to-talk release): starts the latency clock. */
function endUserTurn(t: Transition): void {
  t.s.turnStart = t.at;
  touch(t);
  if (!t.s.vad.enabled) requestResponse(t, 'commit');
  else t.s.awaitingResponse = t.s.vad.createResponse;
}

function onSendText(t: Transition, text: string, itemId: string, wallAt: number): void {
  if (text.trim() === '') return;
  const item: ClientItem = {
    id: itemId,
    type: 'message',
    role: 'user',
    content: [{ type: 'input_text', text }],
  };
  applyServerItem(t, item, {
    final: true,
    wallAt,
    positioned: true,
  });
  if (t.online) t.send({ type: 'conversation.item.create', item });
  else t.s.unsent = [...t.s.unsent, itemId];
  t.s.turnStart = t.at;
  touch(t);
  requestResponse(t, 'text');
}

function onPushToTalk(t: Transition, pressed: boolean): void {
  if (pressed === t.snap.pushToTalk) return;
  t.set('pushToTalk', pressed);
  if (pressed) {
    bargeIn(t, true);
    if (t.online) t.send({ type: 'input_audio_buffer.clear' });
    touch(t);
    return;
  }
  if (t.online) t.send({ type: 'input_audio_buffer.commit' });
  t.s.turnStart = t.at;
  touch(t);
  // A manual commit never starts a response, even with turn detection on (reference §3.8), so
  // the held turn is answered on request. Unless turn detection already answered a pause within
  // the hold: asking again would make a second reply to the same words.
  const alreadyAnswering =
    t.s.awaitingResponse ||
    t.s.activeResponseId !== null ||
    t.s.createInFlight !== null ||
    t.s.queuedCreate !== null;
  if (!alreadyAnswering) requestResponse(t, 'commit');
}
