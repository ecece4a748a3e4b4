import {
  decodeRealtimeServerEvent,
  type ClientItem,
  type RealtimeNeutralEvent,
} from '../protocol/index.js';
import { bargeIn, onFlushed } from './barge-in.js';
import {
  onAudioFailed,
  onClosed,
  onCredentialsFailed,
  onCredentialsReady,
  onMute,
  onPlaybackIdle,
  onPlaybackStarted,
  onProtocolError,
  onSessionCounters,
  onTransportOpen,
  onToolsChanged,
  onUpdateSession,
} from './commands.js';
import { maybeRollOver, onConnect, onDisconnect, onTimer } from './connection.js';
import { applyServerItem } from './conversation.js';
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
import { mcpOf } from './mcp-family.js';
import {
  isStamped,
  Transition,
  type NeutralEventHandlers,
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
      if (t.state.link === 'open' && isStamped(t))
        onRealtimeEvent(t, decodeRealtimeServerEvent(event.event));
      break;
    case 'neutral':
      if (t.state.link === 'open' && isStamped(t)) handlersOf(t.state)?.onEvent(t, event.event);
      break;
    case 'protocol_error':
      onProtocolError(t, event.message);
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
      onCredentialsReady(t, event);
      break;
    case 'credentials_failed':
      onCredentialsFailed(t, event.message, event.random);
      break;
    case 'transport_open':
      onTransportOpen(t, event);
      break;
    case 'transport_closed':
      onClosed(t, event);
      break;
    case 'timer':
      onTimer(t, event.timer);
      break;
    case 'playback_started':
      onPlaybackStarted(t, event.itemId);
      break;
    case 'playback_idle':
      onPlaybackIdle(t, event.position);
      break;
    case 'playback_flushed': {
      const family = handlersOf(t.state);
      if (family) family.onFlushed(t, event.position);
      else onFlushed(t, event.position);
      break;
    }
    case 'audio_failed':
      onAudioFailed(t, event.message, event.permission);
      break;
    default:
      onCommand(t, event);
  }
  afterEvent(t);
  return t.finish();
}

/** The events {@link reduce} hands to {@link onCommand}. */
type CommandEvent = Exclude<
  MachineEvent,
  {
    type:
      | 'server'
      | 'neutral'
      | 'protocol_error'
      | 'connect'
      | 'disconnect'
      | 'credentials_ready'
      | 'credentials_failed'
      | 'transport_open'
      | 'transport_closed'
      | 'timer'
      | 'playback_started'
      | 'playback_idle'
      | 'playback_flushed'
      | 'audio_failed';
  }
>;

/** The app's commands (`VoiceSession` methods) and what the session posts on their behalf. */
function onCommand(t: Transition, event: CommandEvent): void {
  switch (event.type) {
    case 'send_text': {
      const family = handlersOf(t.state);
      if (!isStamped(t)) break;
      if (family) family.onSendText(t, event.text, event.itemId);
      else onSendText(t, event.text, event.itemId);
      break;
    }
    case 'commit_audio':
      if (t.online) t.command({ kind: 'commit_input' });
      endUserTurn(t);
      break;
    case 'push_to_talk':
      onPushToTalk(t, event.pressed);
      break;
    case 'interrupt': {
      const family = handlersOf(t.state);
      if (family) family.onInterrupt(t);
      else bargeIn(t, true);
      break;
    }
    case 'family_command':
      handlersOf(t.state)?.onCommand(t, event.command);
      break;
    case 'mute':
      onMute(t, event.muted);
      break;
    case 'update_session':
      onUpdateSession(t, event.patch);
      break;
    case 'tools_changed':
      onToolsChanged(t, event.tools);
      break;
    case 'session_counters':
      onSessionCounters(t, event.listenerErrors, event.droppedAudioFrames);
      break;
    case 'tool_result': {
      const family = handlersOf(t.state);
      if (family) family.onToolResult(t, event.callId, event.output, event.error);
      else onToolResult(t, event.callId, event.output, event.error);
      break;
    }
    case 'mcp_ready':
      t.state.mcp = event.handlers;
      break;
    case 'mcp_approval_answer': {
      const mcp = mcpOf(t.state);
      if (mcp) mcp.answer(t, event.requestId, event.approve, event.reason);
      else
        t.effect({
          type: 'warning',
          code: 'unknown_approval_request',
          message: `No MCP approval request '${event.requestId}' in the conversation.`,
        });
      break;
    }
  }
}

/** What follows every event: a queued `response.create`, a due rollover, the transport shown. */
function afterEvent(t: Transition): void {
  pumpResponseCreate(t);
  maybeRollOver(t);
  // The transport shows once the session it carries is connected, with the status change.
  if (t.snapshot.status === 'connected') publishTransport(t);
}

/**
 * Every family's handlers of the Realtime adapter's neutral events in one table, keyed by kind
 * (XState's transition table, the AI SDK's realtime event reducer): a family is a module under
 * `server-events/`, and no two families handle one kind (reducer-seams.test.ts).
 */
const realtimeEventHandlers: NeutralEventHandlers = {
  ...sessionEventHandlers,
  ...itemEventHandlers,
  ...audioBufferEventHandlers,
  ...responseEventHandlers,
};

function onRealtimeEvent(t: StampedTransition, event: RealtimeNeutralEvent): void {
  // Out-of-band responses (`conversation: "none"`) are not part of the conversation: only their
  // usage counts (`response_done` carries its own `outOfBand`).
  if ('responseId' in event && t.state.outOfBand.includes(event.responseId!)) return;
  // `ignored` kinds (rate limits, DTMF, diarized segments) have no handler: nothing changes.
  const handler = (realtimeEventHandlers[event.kind] ?? mcpOf(t.state)?.events[event.kind]) as
    ((t: StampedTransition, event: RealtimeNeutralEvent) => void) | undefined;
  handler?.(t, event);
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
  if (t.online) t.command({ kind: 'create_item', item, previousItemId: null });
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
    if (t.online) t.command({ kind: 'clear_input' });
    touch(t);
    return;
  }
  if (t.online) t.command({ kind: 'commit_input' });
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
