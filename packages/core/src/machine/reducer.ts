import { ParleyError } from '../errors.js';
import {
  REALTIME_CAPABILITIES,
  type ClientItem,
  type ServerEvent,
  type UnknownEvent,
} from '../protocol/index.js';
import { bargeIn, onFlushed } from './barge-in.js';
import {
  fail,
  maybeRollOver,
  mergeConfig,
  mergeTools,
  onConnect,
  onDisconnect,
  onTimer,
  onTransportClosed,
  retry,
  sessionPayload,
} from './connection.js';
import { applyServerItem } from './conversation.js';
import { markPlayed } from './responses.js';
import type { MachineEffect } from './effects.js';
import type { MachineEvent } from './events.js';
import { handlersOf } from './family.js';
import { audioBufferEventHandlers } from './server-events/audio-buffers.js';
import { itemEventHandlers } from './server-events/items.js';
import { responseEventHandlers } from './server-events/responses.js';
import { sessionEventHandlers } from './server-events/session.js';
import { pumpResponseCreate, requestResponse, touch } from './sequencing.js';
import type { MachineState } from './state.js';
import { onToolResult } from './tool-calls.js';
import {
  isStamped,
  mergeHandlerFamilies,
  Transition,
  type ServerEventHandler,
  type StampedTransition,
} from './transition.js';

export { BENIGN_ERROR_CODES } from './server-events/session.js';

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
  const t = new Transition(state, event.at, 'wallAt' in event ? event.wallAt : null);
  switch (event.type) {
    case 'server':
      // Only a socket that is open can deliver events; anything else is from a retired one.
      if (t.state.link === 'open' && isStamped(t)) onServerEvent(t, event.event);
      break;
    case 'neutral':
      if (t.state.link === 'open' && isStamped(t)) handlersOf(t.state)?.onEvent(t, event.event);
      break;
    case 'protocol_error':
      t.diagnostics((d) => ({ malformedEvents: d.malformedEvents + 1 }));
      t.effect({ type: 'warning', code: 'malformed_event', message: event.message });
      break;
    case 'connect':
      onConnect(t, event.idPrefix);
      break;
    case 'disconnect':
      // GPT-Live finalizes explicitly: `session.close` first, so the server bills to this point.
      handlersOf(t.state)?.onDisconnect(t);
      onDisconnect(t);
      break;
    case 'credentials_ready':
      t.state.dialect = event.dialect;
      t.state.serverRunsTools = event.serverRunsTools;
      t.state.managedSession = event.managedSession === true;
      t.state.protocol =
        event.protocol ?? (event.dialect === 'beta' ? 'realtime-beta' : 'realtime-ga');
      t.state.family = event.family ?? null;
      t.set(
        'capabilities',
        event.family?.capabilities ??
          REALTIME_CAPABILITIES[event.dialect === 'beta' ? 'realtime-beta' : 'realtime-ga'],
      );
      // The microphone must keep delivering frames on Live (muted means silence is sent).
      if (t.state.family !== null && t.snapshot.muted) {
        t.effect({ type: 'audio_mute', muted: false });
      }
      if (event.model !== null && t.snapshot.model === null) t.set('model', event.model);
      break;
    case 'credentials_failed':
      if (t.state.link === 'opening' && t.state.wantConnected) {
        t.state.link = 'none';
        retry(t, 'auth', `Could not get credentials: ${event.message}`, event.random);
      }
      break;
    case 'transport_open':
      if (t.state.link === 'opening') {
        t.state.link = 'open';
        t.state.mediaAudio = event.media === true;
        t.state.openTransport = {
          transport: event.transport ?? 'websocket',
          fallbackReason: event.fallbackReason ?? null,
        };
        handlersOf(t.state)?.onTransportOpen(t);
      }
      break;
    case 'transport_closed': {
      const family = handlersOf(t.state);
      onTransportClosed(t, family ? { ...event, code: family.closeCode(t, event.code) } : event);
      break;
    }
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
      t.state.lastIdle = { itemId, playedSamples };
      const record = t.record(itemId);
      if (
        t.state.playback?.itemId === itemId &&
        record !== undefined &&
        record.audioDone &&
        playedSamples >= record.audioSamples
      ) {
        t.state.playback = null;
      }
      touch(t);
      break;
    }
    case 'playback_flushed':
      {
        const family = handlersOf(t.state);
        if (family) family.onFlushed(t, event.position);
        else onFlushed(t, event.position);
      }
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
      if (!isStamped(t)) break;
      {
        const family = handlersOf(t.state);
        if (family) family.onSendText(t, event.text, event.itemId);
        else onSendText(t, event.text, event.itemId);
      }
      break;
    case 'commit_audio':
      if (t.online) t.send({ type: 'input_audio_buffer.commit' });
      endUserTurn(t);
      break;
    case 'push_to_talk':
      onPushToTalk(t, event.pressed);
      break;
    case 'interrupt':
      {
        const family = handlersOf(t.state);
        if (family) family.onInterrupt(t);
        else bargeIn(t, true);
      }
      break;
    case 'family_command':
      handlersOf(t.state)?.onCommand(t, event.command);
      break;
    case 'mute':
      if (t.state.family !== null) {
        // The microphone keeps delivering frames (the session sends silence in their place):
        // Live's clock runs on input audio, and a stopped stream freezes the session.
        handlersOf(t.state)?.onMute(t, event.muted);
      } else if (t.snapshot.muted !== event.muted) {
        t.set('muted', event.muted);
        t.effect({ type: 'audio_mute', muted: event.muted });
      }
      break;
    case 'update_session':
      t.state.desiredSession = mergeConfig(t.state.desiredSession, event.patch);
      if (t.online && t.state.managedSession) {
        t.effect({
          type: 'warning',
          code: 'session_managed',
          message: 'The server configures this session; the update was not sent',
        });
      } else if (t.online) {
        t.state.awaitingUpdate = t.send({
          type: 'session.update',
          session: sessionPayload(event.patch, null),
        });
      }
      break;
    case 'tools_changed':
      t.state.clientTools = event.tools;
      // Live carries tools in its delegation config, fixed at start: nothing to send.
      if (t.online && !t.state.managedSession && t.state.protocol !== 'live') {
        t.state.awaitingUpdate = t.send({
          type: 'session.update',
          session: sessionPayload({}, mergeTools(t.state.desiredSession.tools, event.tools) ?? []),
        });
      }
      break;
    case 'session_counters': {
      const { listenerErrors, droppedAudioFrames } = event;
      const current = t.snapshot.diagnostics;
      if (
        current.listenerErrors !== listenerErrors ||
        current.droppedAudioFrames !== droppedAudioFrames
      ) {
        t.diagnostics(() => ({ listenerErrors, droppedAudioFrames }));
      }
      break;
    }
    case 'tool_result':
      {
        const family = handlersOf(t.state);
        if (family) family.onToolResult(t, event.callId, event.output, event.error);
        else onToolResult(t, event.callId, event.output, event.error);
      }
      break;
  }
  pumpResponseCreate(t);
  maybeRollOver(t);
  // The transport shows once the session it carries is connected, with the status change.
  if (t.snapshot.status === 'connected') publishTransport(t);
  return t.finish();
}

/**
 * Every family's handlers in one table, keyed by event type (XState's transition table, the AI
 * SDK's realtime event reducer): a family is a module under `server-events/`, so a second
 * protocol's vocabulary can plug in its own families. Two families claiming one type is a
 * programming error, caught when this module loads.
 */
const serverEventHandlers = mergeHandlerFamilies(
  sessionEventHandlers,
  itemEventHandlers,
  audioBufferEventHandlers,
  responseEventHandlers,
);

function onServerEvent(t: StampedTransition, event: ServerEvent | UnknownEvent): void {
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
    t.state.outOfBand.includes(known.response_id)
  ) {
    return;
  }
  // Rate limits, MCP progress, DTMF, diarized segments have no handler: nothing changes.
  const handler = serverEventHandlers[known.type] as ServerEventHandler<ServerEvent> | undefined;
  handler?.(t, known);
}

/** Ends the user's turn (commit, push-to-talk release): starts the latency clock. */
function endUserTurn(t: Transition): void {
  t.state.turnStart = t.at;
  touch(t);
  if (!t.state.vad.enabled) requestResponse(t, 'commit');
  else t.state.awaitingResponse = t.state.vad.createResponse;
}

function onSendText(t: StampedTransition, text: string, itemId: string): void {
  if (text.trim() === '') return;
  const item: ClientItem = {
    id: itemId,
    type: 'message',
    role: 'user',
    content: [{ type: 'input_text', text }],
  };
  applyServerItem(t, item, { final: true, wallAt: t.wallAt, positioned: true });
  if (t.online) t.send({ type: 'conversation.item.create', item });
  else t.state.unsent = [...t.state.unsent, itemId];
  t.state.turnStart = t.at;
  touch(t);
  requestResponse(t, 'text');
}

function onPushToTalk(t: Transition, pressed: boolean): void {
  if (pressed === t.snapshot.pushToTalk) return;
  t.set('pushToTalk', pressed);
  if (pressed) {
    bargeIn(t, true);
    if (t.online) t.send({ type: 'input_audio_buffer.clear' });
    touch(t);
    return;
  }
  if (t.online) t.send({ type: 'input_audio_buffer.commit' });
  t.state.turnStart = t.at;
  touch(t);
  // A manual commit never starts a response, even with turn detection on (reference §3.8), so
  // the held turn is answered on request. Unless turn detection already answered a pause within
  // the hold: asking again would make a second reply to the same words.
  const alreadyAnswering =
    t.state.awaitingResponse ||
    t.state.activeResponseId !== null ||
    t.state.createInFlight !== null ||
    t.state.queuedCreate !== null;
  if (!alreadyAnswering) requestResponse(t, 'commit');
}

/** Puts the open transport (and why it is not the one asked for) on the snapshot. */
function publishTransport(t: Transition): void {
  const open = t.state.openTransport;
  if (open === null) return;
  t.set('transport', open.transport);
  t.set('transportFallbackReason', open.fallbackReason);
}
