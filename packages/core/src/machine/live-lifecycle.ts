// A GPT-Live session's life in the machine: the start (history replayed on a reconnect), the
// close and its code, usage by the second and errors.
import { ParleyError } from '../errors.js';
import type { Json } from '../protocol/index.js';
import { LIVE_LIMITS } from '../protocol/index.js';
import { fail } from './connection.js';
import { liveCost } from './pricing.js';
import { touch } from './sequencing.js';
import { command, live, setLive } from './live-base.js';
import { sendUserText } from './live-commands.js';
import { closeSegment } from './live-turns.js';
import type { StampedTransition, Transition } from './transition.js';

// ── the connection ──

/**
 * The socket is open: start the session (unless the relay starts it), with the client tools
 * offered to a Responses backend and, on a reconnect, the conversation so far as startup `input`.
 * A fork socket starts with the fork's overrides only: the fork inherits config and conversation.
 */
export function onLiveTransportOpen(t: Transition): void {
  if (t.state.managedSession) return;
  if (t.state.liveFork) {
    command(t, { kind: 'start', config: t.state.liveFork.overrides });
    return;
  }
  const config: Json = { ...(t.state.liveStart ?? {}) };
  if (typeof config.model !== 'string' && t.snapshot.model !== null)
    config.model = t.snapshot.model;
  withClientTools(t, config);
  const given: unknown[] = Array.isArray(config.input) ? (config.input as unknown[]) : [];
  const history = historyInput(t, given);
  if (history.length > 0) config.input = [...given, ...history];
  command(t, { kind: 'start', config });
}

/**
 * Under Responses delegation the backend runs the tools: the session's client tools go in
 * `delegation.responses.tools` as function tools, beside the ones the config names (which win
 * on a name clash), so the backend can call them and the session runs them (§3.2).
 */
function withClientTools(t: Transition, config: Json): void {
  const delegation = config.delegation as Json | null | undefined;
  if (delegation?.type !== 'responses' || t.state.clientTools.length === 0) return;
  const responses = (delegation.responses ?? {}) as Json;
  const given = Array.isArray(responses.tools) ? (responses.tools as Json[]) : [];
  const named = new Set(given.map((tool) => tool.name));
  const added = t.state.clientTools
    .filter((tool) => !named.has(tool.name))
    .map((tool) => ({
      type: 'function',
      name: tool.name,
      ...(tool.description === undefined ? {} : { description: tool.description }),
      parameters: tool.parameters ?? { type: 'object', properties: {} },
    }));
  config.delegation = { ...delegation, responses: { ...responses, tools: [...given, ...added] } };
}

/**
 * The conversation so far as startup `input` for a fresh session (a reconnect): text messages
 * only (Live's history is text), the newest that fit beside the app's own `given` input within
 * the limits (§10: 128 messages, 8,192 tokens in all; tokens are estimated at four characters
 * each, with a little per message for its framing). What an interrupted reply said is replayed
 * as heard.
 */
export function historyInput(t: Transition, given: readonly unknown[] = []): Json[] {
  const items: Json[] = [];
  const messages = LIVE_LIMITS.inputMessages - given.length;
  let budget = LIVE_LIMITS.inputTokens * 4 - JSON.stringify(given).length;
  const records = t.allRecords;
  for (let position = records.length - 1; position >= 0; position--) {
    const record = records[position]!;
    const view = record.view;
    if (view.type !== 'message' || view.role === 'system') continue;
    const text =
      view.interrupted && view.heardText !== null ? view.heardText : record.text.toString();
    if (text.trim() === '') continue;
    if (text.length + MESSAGE_OVERHEAD > budget || items.length >= messages) break;
    budget -= text.length + MESSAGE_OVERHEAD;
    items.push(
      view.role === 'assistant'
        ? { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] }
        : { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    );
  }
  return items.reverse();
}

/** Characters a message's framing (role, part type) is counted as, against the token budget. */
const MESSAGE_OVERHEAD = 16;

/** Close reasons after which a fresh session would be wrong (the user or the policy ended it). */
const FINAL_CLOSE_REASONS = new Set(['close_requested', 'content', 'remote_hangup']);

/**
 * The close code the connection logic should see for a Live socket that closed: a session that
 * ended for good is a normal closure; one that expired, lost its upstream or closed without
 * `session.closed` (usage unconfirmed) is reconnected with a fresh session (1001).
 */
export function liveCloseCode(t: Transition, code: number): number {
  const reason = live(t).closeReason;
  if (reason !== null && FINAL_CLOSE_REASONS.has(reason)) return 1000;
  if (code === 1000 || code === 1005) return 1001;
  return code;
}

export function onStarted(
  t: StampedTransition,
  sessionId: string | null,
  model: string | null,
  config: Json,
): void {
  const previous = live(t);
  setLive(t, {
    user: null,
    assistant: null,
    clockMs: 0,
    trackSamples: 0,
    trackBase: 0,
    previousBase: 0,
    starts: new Map(),
    closeReason: null,
    // A new session bills from zero: what the last one billed is kept.
    secondsBefore: previous.secondsBefore + previous.seconds,
    seconds: 0,
  });
  readDelegation(t, config);
  t.state.sessionCreated = true;
  t.state.failures = 0;
  t.state.connectedOnce = true;
  t.state.rollover = 'none';
  t.state.lastIdle = null;
  t.state.playback = null;
  t.state.userSpeaking = false;
  if (sessionId !== null) t.set('sessionId', sessionId);
  if (model !== null) t.set('model', model);
  // A forked session runs: later reconnects start fresh sessions (with history) as usual.
  t.state.liveFork = null;
  t.set('status', 'connected');
  t.set('reconnectAttempt', 0);
  if (t.snapshot.error?.reason === 'transport' || t.snapshot.error?.reason === 'auth') {
    t.set('error', null);
  }
  if (t.state.generation > 1) t.diagnostics((d) => ({ reconnects: d.reconnects + 1 }));
  updateUsage(t);
  // Text typed while offline: now that a session takes it.
  for (const itemId of t.state.unsent) {
    const record = t.record(itemId);
    if (record?.view.type === 'message') sendUserText(t, record.text.toString());
  }
  t.state.unsent = [];
  touch(t);
  if (t.state.config.idleTimeoutMs > 0) {
    t.effect({ type: 'timer_set', timer: 'idle', ms: t.state.config.idleTimeoutMs });
  }
}

export function readDelegation(t: Transition, config: Json): void {
  const delegation = config.delegation;
  const type =
    typeof delegation === 'object' && delegation !== null && 'type' in delegation
      ? delegation.type
      : null;
  setLive(t, { delegation: typeof type === 'string' ? type : 'client' });
}

// ── usage, close, errors ──

export function onSeconds(
  t: Transition,
  seconds: number | null,
  contextRatio: number | null,
): void {
  const state = live(t);
  // Cumulative per session: a lower figure (a late duplicate) never moves the meter back.
  const next = seconds === null ? state.seconds : Math.max(state.seconds, seconds);
  setLive(t, { seconds: next, contextRatio: contextRatio ?? state.contextRatio });
  updateUsage(t);
}

function updateUsage(t: Transition): void {
  const state = live(t);
  const seconds = state.secondsBefore + state.seconds;
  const usage = t.snapshot.usage;
  const costUsd = liveCost(seconds, t.snapshot.model, t.state.config.prices);
  if (
    usage.seconds === seconds &&
    usage.costUsd === costUsd &&
    usage.contextUsageRatio === state.contextRatio &&
    usage.model === t.snapshot.model
  ) {
    return;
  }
  t.set('usage', {
    ...usage,
    billing: 'seconds',
    seconds,
    contextUsageRatio: state.contextRatio,
    costUsd,
    model: t.snapshot.model,
  });
}

/** What the user sees for each close reason (the session itself reconnects where it can). */
export function onClosed(t: Transition, reason: string | null): void {
  for (const speaker of ['user', 'assistant'] as const) closeSegment(t, speaker);
  if (reason === 'content') {
    const error = new ParleyError('server', 'The conversation was ended by the content policy', {
      code: 'content',
    });
    t.set('error', error);
    t.effect({ type: 'error', error });
  } else if (reason === 'remote_hangup') {
    t.effect({ type: 'warning', code: 'remote_hangup', message: 'The other side hung up' });
  } else if (reason === 'expired') {
    t.effect({
      type: 'warning',
      code: 'session_expired',
      message: 'The session reached its time limit; continuing in a fresh one',
    });
  } else if (reason === 'connection_lost') {
    t.effect({
      type: 'warning',
      code: 'connection_lost',
      message: 'The upstream connection was lost; continuing in a fresh session',
    });
  }
}

/** Codes that are a consequence of our own close or a race, not a failure. */
const BENIGN_LIVE_ERRORS = new Set(['context_injection_incomplete']);

export function onError(t: Transition, code: string | null, message: string): void {
  if (code !== null && BENIGN_LIVE_ERRORS.has(code)) {
    t.countBenign(code);
    t.effect({ type: 'warning', code, message });
    return;
  }
  const failure = new ParleyError('server', message, code === null ? {} : { code });
  if (t.state.liveFork && !t.state.sessionCreated) {
    // The fork was refused (not stored, not finished, unknown): nothing to wait for.
    t.state.liveFork = null;
    fail(t, failure);
    return;
  }
  t.set('error', failure);
  t.effect({ type: 'error', error: failure });
}
