// The connection's life: connect, configure, restore, drop, back off, roll over, time out.
import { ParleyError, type ParleyErrorReason } from '../errors.js';
import type { ClientItem, Json, SessionConfigPatch, Tool } from '../protocol/index.js';
import { markTruncated, store } from './conversation.js';
import { applyAudioDone, settleResponseItems } from './responses.js';
import type { MachineEvent } from './events.js';
import { SAMPLES_PER_MS, withView } from './items.js';
import { isQuiet, touch } from './sequencing.js';
import type { Transition } from './transition.js';

/** Close codes after which reconnecting cannot help. */
/**
 * Closes the server means: the conversation is over, and reconnecting would be wrong. `null`
 * reason: it simply ended (status `closed`); otherwise the session stops with that error. Other
 * codes (1001 server shutdown, 1006 drop, 4001 stale ticket, 45xx upstream trouble…) reconnect.
 */
const TERMINAL_CLOSES: ReadonlyMap<
  number,
  { reason: ParleyErrorReason; status: 'closed' | 'error' } | null
> = new Map([
  // A normal closure the client did not ask for: the server (or the agent) ended it.
  [1000, null],
  // The beta protocol shape was switched off: only another dialect would help.
  [4000, { reason: 'transport', status: 'error' }],
  // Parley relay: agent not published, idle timeout, session time limit, too many sessions.
  [4004, { reason: 'config', status: 'error' }],
  [4008, { reason: 'limit', status: 'closed' }],
  [4010, { reason: 'limit', status: 'closed' }],
  [4029, { reason: 'limit', status: 'error' }],
]);

/**
 * 1012 "Service Restart": the server is going away on purpose (a deploy draining one instance)
 * and another is ready behind the load balancer. Reconnect at once, without counting a failure
 * or waiting out a backoff, so the visitor hears no gap beyond the reconnect itself.
 */
export const RECONNECT_NOW_CLOSE = 1012;

/** Attempts allowed before the first successful session of a `connect()`. */
const INITIAL_ATTEMPTS = 2;

/** `connect()`: start the audio and the first attempt (no-op while connecting or connected). */
export function onConnect(t: Transition, idPrefix: string): void {
  const status = t.snapshot.status;
  if (t.state.wantConnected && status !== 'error' && status !== 'closed') return;
  t.state.wantConnected = true;
  t.state.idPrefix = idPrefix;
  t.state.failures = 0;
  t.state.connectedOnce = false;
  t.set('status', 'connecting');
  t.set('error', null);
  t.set('reconnectAttempt', 0);
  t.effect({ type: 'audio_start' });
  open(t, 0);
}

function open(t: Transition, attempt: number): void {
  t.state.link = 'opening';
  t.state.sessionCreated = false;
  t.state.awaitingUpdate = null;
  t.state.generation += 1;
  t.effect({ type: 'open', attempt });
}

/** `disconnect()`: close, stop the audio, clear timers and abort client tools; no reconnect. */
export function onDisconnect(t: Transition): void {
  if (t.state.link !== 'none') t.effect({ type: 'close', code: 1000, reason: 'client disconnect' });
  const wasActive = t.state.wantConnected || t.state.link !== 'none';
  t.state.wantConnected = false;
  t.state.rollover = 'none';
  stopEverything(t);
  t.set('status', 'closed');
  t.set('reconnectAttempt', 0);
  if (wasActive) t.effect({ type: 'audio_stop' });
}

/** Forgets the live session: responses, speech, playback, timers and client tools in flight. */
function stopEverything(t: Transition): void {
  dropLiveSession(t);
  for (const timer of ['reconnect', 'idle', 'rollover'] as const) {
    t.effect({ type: 'timer_clear', timer });
  }
  const clientCalls = [...t.state.runningCalls].filter(([, call]) => call.executor === 'client');
  if (clientCalls.length > 0) {
    t.effect({ type: 'tool_abort', callIds: clientCalls.map(([callId]) => callId) });
  }
  for (const [, call] of t.state.runningCalls) {
    const record = t.record(call.itemId);
    if (record) store(t, withView(record, { status: 'cancelled' }));
  }
  t.state.runningCalls = new Map();
  t.state.queuedCreate = null;
  t.state.playback = null;
  t.state.bargeIn = null;
  t.set('pushToTalk', false);
}

/** The upstream session is gone (drop, rollover or disconnect): nothing of it is active any more. */
function dropLiveSession(t: Transition): void {
  t.state.link = 'none';
  t.state.sessionCreated = false;
  t.state.awaitingUpdate = null;
  if (t.state.activeResponseId !== null)
    settleResponseItems(t, t.state.activeResponseId, 'incomplete');
  t.state.activeResponseId = null;
  t.state.cancelOnCreated = false;
  t.state.userSpeaking = false;
  t.state.awaitingResponse = false;
}

/**
 * The link dropped while a reply's audio was still arriving: the rest never comes. The reply is
 * marked interrupted where its received audio ends (the words past it were never heard), and its
 * audio counts as done, so the player going idle after what did arrive ends the agent's turn
 * (otherwise the turn would stay "agent speaking" with nothing left to play).
 */
function cutShortReply(t: Transition): void {
  const itemId = t.state.playback?.itemId;
  if (itemId === undefined || itemId === null) return;
  const record = t.record(itemId);
  if (record === undefined || record.audioDone) return;
  applyAudioDone(t, itemId);
  markTruncated(t, itemId, Math.floor(record.audioSamples / SAMPLES_PER_MS));
}

/** The socket closed: roll over, reconnect with backoff, or stop, depending on why. */
export function onTransportClosed(
  t: Transition,
  event: Extract<MachineEvent, { type: 'transport_closed' }>,
): void {
  if (t.state.link === 'none' && !t.state.wantConnected) return;
  // A response.create that never got its response is asked again on the next session.
  const lostCreate = t.state.createInFlight;
  t.state.createInFlight = null;
  if (lostCreate !== null && t.state.queuedCreate === null)
    t.state.queuedCreate = lostCreate.reason;
  dropLiveSession(t);
  cutShortReply(t);
  t.effect({ type: 'timer_clear', timer: 'idle' });
  t.effect({ type: 'timer_clear', timer: 'rollover' });
  if (!t.state.wantConnected) {
    t.set('status', 'closed');
    return;
  }
  if (t.state.rollover === 'closing') {
    t.set('status', 'reconnecting');
    open(t, 0);
    return;
  }
  if (!event.initiatedLocally && event.code === RECONNECT_NOW_CLOSE) {
    t.set('status', 'reconnecting');
    // Attempt 1, not 0: credentials providers treat 0 as a new conversation, and this one goes on.
    open(t, 1);
    return;
  }
  const terminal = event.initiatedLocally ? undefined : TERMINAL_CLOSES.get(event.code);
  if (terminal === null) {
    endByServer(t, null);
    return;
  }
  if (terminal !== undefined) {
    const error = new ParleyError(
      terminal.reason,
      `The server closed the session: ${event.code}${event.reason ? ` ${event.reason}` : ''}`,
      { code: event.reason || String(event.code) },
    );
    if (terminal.status === 'error') fail(t, error);
    else endByServer(t, error);
    return;
  }
  const what = event.initiatedLocally ? 'closed' : 'dropped';
  retry(
    t,
    'transport',
    `The connection ${what} (${event.code}${event.reason ? ` ${event.reason}` : ''})`,
    event.random,
  );
}

/** The server ended the conversation on purpose: closed, with why (if it was a limit). */
function endByServer(t: Transition, error: ParleyError | null): void {
  t.state.wantConnected = false;
  t.state.rollover = 'none';
  stopEverything(t);
  t.set('status', 'closed');
  if (error !== null) {
    t.set('error', error);
    t.effect({ type: 'error', error });
  }
  t.effect({ type: 'audio_stop' });
}

/** Schedules the next attempt with exponential backoff and jitter, or gives up. */
export function retry(
  t: Transition,
  reason: 'transport' | 'auth',
  message: string,
  random: number,
): void {
  t.state.failures += 1;
  const limit = t.state.connectedOnce ? t.state.config.reconnectMaxAttempts : INITIAL_ATTEMPTS;
  if (t.state.failures > limit) {
    fail(t, new ParleyError(reason, `${message}; gave up after ${t.state.failures} attempts`));
    return;
  }
  const { reconnectBaseDelayMs: base, reconnectMaxDelayMs: max } = t.state.config;
  const ceiling = Math.min(max, base * 2 ** (t.state.failures - 1));
  // "Equal jitter": never zero, never more than the ceiling, spread to avoid reconnect storms.
  const delay = Math.round(ceiling / 2 + (Math.min(Math.max(random, 0), 1) * ceiling) / 2);
  t.set('status', 'reconnecting');
  t.set('reconnectAttempt', t.state.failures);
  t.effect({ type: 'timer_set', timer: 'reconnect', ms: delay });
}

/** A failure the session cannot get past: status `error`, everything stopped. */
export function fail(t: Transition, error: ParleyError): void {
  if (t.state.link !== 'none') t.effect({ type: 'close', code: 1000, reason: error.reason });
  t.state.wantConnected = false;
  t.state.rollover = 'none';
  stopEverything(t);
  t.set('status', 'error');
  t.set('error', error);
  t.effect({ type: 'audio_stop' });
  t.effect({ type: 'error', error });
}

/** A timer fired: reconnect now, roll over when quiet, or close an idle session. */
export function onTimer(t: Transition, timer: 'reconnect' | 'idle' | 'rollover'): void {
  if (timer === 'reconnect') {
    if (t.state.wantConnected && t.state.link === 'none') open(t, t.state.failures);
    return;
  }
  if (!t.online) return;
  if (timer === 'rollover') {
    if (t.state.rollover === 'none') t.state.rollover = 'due';
    return;
  }
  const idleFor = t.at - t.state.lastActivityAt;
  const limit = t.state.config.idleTimeoutMs;
  if (idleFor >= limit && isQuiet(t)) {
    t.effect({ type: 'close', code: 1000, reason: 'idle timeout' });
    t.state.wantConnected = false;
    stopEverything(t);
    t.set('status', 'closed');
    t.set(
      'error',
      new ParleyError('limit', `Closed after ${Math.round(limit / 1000)} s without activity`, {
        code: 'idle_timeout',
      }),
    );
    t.effect({ type: 'audio_stop' });
    return;
  }
  t.effect({ type: 'timer_set', timer: 'idle', ms: Math.max(1000, limit - Math.max(0, idleFor)) });
}

/** Rolls over to a fresh upstream session once one is due and the conversation is quiet. */
export function maybeRollOver(t: Transition): void {
  if (t.state.rollover !== 'due' || !t.online || !isQuiet(t)) return;
  t.state.rollover = 'closing';
  t.diagnostics((d) => ({ rollovers: d.rollovers + 1 }));
  t.effect({ type: 'close', code: 1000, reason: 'rollover' });
}

/** Deep-merges a session patch: objects merge, everything else (arrays, null) replaces. */
export function mergeConfig(
  base: SessionConfigPatch,
  patch: SessionConfigPatch,
): SessionConfigPatch {
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = merged[key];
    merged[key] =
      isPlainObject(value) && isPlainObject(current) ? mergeConfig(current, value) : value;
  }
  return merged;
}

/** True for a non-null, non-array object. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The configured tools with the client tools added (a client tool wins over a same-named one). */
export function mergeTools(
  configured: SessionConfigPatch['tools'],
  client: readonly Tool[],
): SessionTools | null {
  if (configured === undefined && client.length === 0) return null;
  const names = new Set(client.map((tool) => tool.name));
  // MCP servers and other functions stay; a same-named function is replaced by the client's.
  const kept = (configured ?? []).filter(
    (tool) => tool.type !== 'function' || !names.has(tool.name),
  );
  return [...kept, ...client];
}

/** The tools of a session (functions and MCP servers). */
type SessionTools = NonNullable<SessionConfigPatch['tools']>;

/** A GA `session.update` payload. */
export function sessionPayload(patch: SessionConfigPatch, tools: SessionTools | null): Json {
  const { tools: _ignored, ...rest } = patch;
  const session: Record<string, unknown> = { ...rest, type: 'realtime' };
  if (patch.tools !== undefined) session.tools = patch.tools;
  if (tools !== null) session.tools = tools;
  return session;
}

/** Reads turn detection and transcription from an effective session. */
export function applySessionInfo(t: Transition, session: unknown): void {
  if (!isPlainObject(session)) return;
  if (typeof session.model === 'string' && session.model !== t.snapshot.model) {
    t.set('model', session.model);
  }
  const input =
    isPlainObject(session.audio) && isPlainObject(session.audio.input) ? session.audio.input : null;
  if (input === null) return;
  if ('turn_detection' in input) {
    const detection = input.turn_detection;
    t.state.vad = isPlainObject(detection)
      ? {
          enabled: true,
          createResponse: detection.create_response !== false,
          interruptResponse: detection.interrupt_response !== false,
        }
      : { enabled: false, createResponse: false, interruptResponse: false };
  }
  if ('transcription' in input) t.state.transcription = isPlainObject(input.transcription);
}

/** A fresh upstream session: configure it, restore the conversation, arm rollover and idle timers. */
export function onSessionCreated(
  t: Transition,
  sessionId: string | null,
  session: Json,
  wallAt: number,
): void {
  t.state.sessionCreated = true;
  t.state.failures = 0;
  t.state.connectedOnce = true;
  t.state.rollover = 'none';
  t.state.lastIdle = null;
  t.state.silencedResponseId = null;
  if (sessionId !== null) t.set('sessionId', sessionId);
  applySessionInfo(t, session);
  t.set('status', 'connected');
  t.set('reconnectAttempt', 0);
  if (t.snapshot.error?.reason === 'transport' || t.snapshot.error?.reason === 'auth')
    t.set('error', null);
  if (t.state.generation > 1) t.diagnostics((d) => ({ reconnects: d.reconnects + 1 }));
  const usage = t.snapshot.usage;
  if (usage.model !== t.snapshot.model) t.set('usage', { ...usage, model: t.snapshot.model });

  // A managed session (the Parley relay) is configured by the server, which also refuses history
  // items: the transcript shown stays, but the new upstream session starts without it.
  if (!t.state.managedSession) {
    const tools = mergeTools(t.state.desiredSession.tools, t.state.clientTools);
    if (Object.keys(t.state.desiredSession).length > 0 || tools !== null) {
      t.state.awaitingUpdate = t.command({
        kind: 'update_session',
        config: sessionPayload(t.state.desiredSession, tools),
      });
    }
    restoreConversation(t);
  } else {
    // The relay takes user text: what was typed while offline still reaches the model.
    for (const itemId of t.state.unsent) {
      const record = t.record(itemId);
      if (record?.view.type !== 'message') continue;
      t.command({
        kind: 'create_item',
        item: {
          id: itemId,
          type: 'message',
          role: 'user',
          content: [{ type: 'input_text', text: record.text.toString() }],
        },
        previousItemId: null,
      });
    }
  }
  t.state.unsent = [];

  const expiresAt = typeof session.expires_at === 'number' ? session.expires_at : null;
  // A managed session's server owns its lifetime (it rolls over or ends it with a close code).
  if (expiresAt !== null && expiresAt > 0 && !t.state.managedSession) {
    const ms = expiresAt * 1000 - wallAt - t.state.config.rolloverMarginMs;
    t.effect({ type: 'timer_set', timer: 'rollover', ms: Math.max(0, ms) });
  }
  touch(t);
  if (t.state.config.idleTimeoutMs > 0) {
    t.effect({ type: 'timer_set', timer: 'idle', ms: t.state.config.idleTimeoutMs });
  }
}

/**
 * Replays the conversation into a fresh upstream session as items (text, since audio is not
 * kept), so the model has the context and the transcript the user sees simply continues. Item
 * ids are reused, so the server's echoes land on the items already shown.
 */
function restoreConversation(t: Transition): void {
  for (const record of t.allRecords) {
    const view = record.view;
    if (view.type === 'message') {
      const text =
        view.interrupted && view.heardText !== null ? view.heardText : record.text.toString();
      if (text === '') continue;
      const item: ClientItem =
        view.role === 'assistant'
          ? {
              id: view.id,
              type: 'message',
              role: 'assistant',
              content: [{ type: 'output_text', text }],
            }
          : {
              id: view.id,
              type: 'message',
              role: view.role,
              content: [{ type: 'input_text', text }],
            };
      t.command({ kind: 'create_item', item, previousItemId: null });
      continue;
    }
    // MCP items are the server's: it lists and runs them again in a new session.
    if (view.type !== 'function_call') continue;
    if (view.status === 'streaming' || view.status === 'cancelled') continue;
    t.command({
      kind: 'create_item',
      item: {
        id: view.id,
        type: 'function_call',
        call_id: view.callId,
        name: view.name,
        arguments: record.text.toString(),
      },
      previousItemId: null,
    });
    if (view.output !== null) {
      t.command({ kind: 'tool_output', callId: view.callId, output: view.output });
    }
  }
}
