// GPT-Live in the machine: the neutral events of the Live adapter (protocol/adapters/live.ts)
// turned into the same conversation items, turn, usage and errors a Realtime session has, and
// the machine's commands turned into neutral commands the session encodes. What differs from
// Realtime (live-protocol.md §§7, 8, 13):
// - transcripts are timed fragments with no items and no end: grouped here into user and
//   assistant turns (a new turn on a speaker change, or after GAP_MS of timeline between fragments
//   of one speaker; a turn closes when the other speaker starts or after CLOSE_MS of timeline
//   without a fragment — the policy LiveKit and openai-node's grouper use, §8);
// - output audio is one continuous track per session (silence included): it is queued under one
//   track id, and an assistant item's playhead is the track's played time minus the item's start
//   on the session timeline (output track time and session time advance together, §2);
// - the model owns turn-taking: a user fragment over an assistant turn that is still playing is a
//   barge-in (playback flushed, the item marked interrupted at what was heard); nothing is sent;
// - tools run by delegation: one execution per completed call, one output per call, then one
//   `continue_backend` once the backend response is done and every output was sent;
// - billing is by the second (`session.usage.updated`, cumulative per session).
import { ParleyError } from '../errors.js';
import type { Json, NeutralCommand, NeutralEvent } from '../protocol/index.js';
import { LIVE_LIMITS } from '../protocol/index.js';
import { liveCapabilities } from '../protocol/adapters/live.js';
import type { ToolCallError } from '../types.js';
import { markTruncated, store } from './conversation.js';
import {
  SAMPLES_PER_MS,
  base64Samples,
  newFunctionCall,
  newMessage,
  withText,
  withView,
} from './items.js';
import { liveCost } from './pricing.js';
import { finishClientCall } from './tool-calls.js';
import { touch } from './sequencing.js';
import type { FamilyHandlers } from './family.js';
import type { ItemPlayhead } from './heard.js';
import type { LiveDelegation, LiveSegment, LiveState } from './live-state.js';
import type { MachineState } from './state.js';
import { TextRope } from './text-rope.js';
import type { StampedTransition, Transition } from './transition.js';

/** A new turn of the same speaker after this much timeline between two fragments. */
export const GAP_MS = 800;
/** A turn closes after this much timeline without a fragment. */
export const CLOSE_MS = 2000;

/** The track id this session's output audio is queued under. */
export function liveTrackId(state: MachineState): string {
  return `live_track_${state.generation}`;
}

/** Sends a neutral command (the session encodes it for the wire); returns its event id. */
export function command(t: Transition, neutral: NeutralCommand): string {
  t.state.eventSeq += 1;
  const eventId = `${t.state.idPrefix}${t.state.eventSeq}`;
  t.effect({ type: 'command', command: neutral, eventId });
  return eventId;
}

/** The Live state of a session that has not started. */
function initialLiveState(): LiveState {
  return {
    delegation: 'client',
    itemSeq: 0,
    user: null,
    assistant: null,
    clockMs: 0,
    trackSamples: 0,
    starts: new Map(),
    calls: new Map(),
    delegations: new Map(),
    closeReason: null,
    secondsBefore: 0,
    seconds: 0,
    contextRatio: null,
  };
}

function live(t: Transition): LiveState {
  t.state.live ??= initialLiveState();
  return t.state.live;
}

function setLive(t: Transition, change: Partial<LiveState>): void {
  t.state.live = { ...live(t), ...change };
}

// ── the connection ──

/** The socket is open: start the session (unless the relay starts it), history included. */
export function onLiveTransportOpen(t: Transition): void {
  if (t.state.managedSession) return;
  const config: Json = { ...(t.state.liveStart ?? {}) };
  if (typeof config.model !== 'string' && t.snapshot.model !== null)
    config.model = t.snapshot.model;
  const history = historyInput(t);
  if (history.length > 0) {
    const given: unknown[] = Array.isArray(config.input) ? (config.input as unknown[]) : [];
    config.input = [...given, ...history].slice(-LIVE_LIMITS.inputMessages);
  }
  command(t, { kind: 'start', config });
}

/**
 * The conversation so far as startup `input` for a fresh session (a reconnect): text messages
 * only (Live's history is text), the newest that fit the limits (§10: 128 messages, 8,192
 * tokens; tokens are estimated at four characters each). What an interrupted reply said is
 * replayed as heard.
 */
function historyInput(t: Transition): Json[] {
  const items: Json[] = [];
  let budget = LIVE_LIMITS.inputTokens * 4;
  const records = t.allRecords;
  for (let position = records.length - 1; position >= 0; position--) {
    const record = records[position]!;
    const view = record.view;
    if (view.type !== 'message' || view.role === 'system') continue;
    const text =
      view.interrupted && view.heardText !== null ? view.heardText : record.text.toString();
    if (text.trim() === '') continue;
    if (text.length > budget || items.length >= LIVE_LIMITS.inputMessages) break;
    budget -= text.length;
    items.push(
      view.role === 'assistant'
        ? { type: 'message', role: 'assistant', content: [{ type: 'output_text', text }] }
        : { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
    );
  }
  return items.reverse();
}

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

// ── server events ──

/** One neutral event of the Live adapter. */
export function onLiveEvent(t: StampedTransition, event: NeutralEvent): void {
  switch (event.kind) {
    case 'session_started':
      onStarted(t, event.sessionId, event.model, event.config);
      break;
    case 'session_updated':
      readDelegation(t, event.config);
      break;
    case 'transcript_fragment':
      onFragment(t, event.speaker, event.text, event.startMs, event.endMs);
      break;
    case 'output_audio':
      onOutputAudio(t, event.audio);
      break;
    case 'tool_call':
      onToolCall(t, event);
      break;
    case 'backend_response_done':
      if (event.delegationId !== null) {
        const delegation = live(t).delegations.get(event.delegationId);
        if (delegation !== undefined) {
          putDelegation(t, event.delegationId, { ...delegation, responseDone: true });
          continueIfReady(t, event.delegationId);
        }
      }
      break;
    case 'delegation_started':
      if (!live(t).delegations.has(event.delegationId)) {
        putDelegation(t, event.delegationId, { calls: [], responseDone: false, continued: false });
      }
      break;
    case 'usage_seconds':
      onSeconds(t, event.seconds, event.contextRatio);
      break;
    case 'session_closed':
      setLive(t, { closeReason: event.reason ?? 'unknown' });
      onSeconds(t, event.seconds, null);
      onClosed(t, event.reason);
      break;
    case 'error':
      onError(t, event.code, event.message);
      break;
    case 'info':
      t.effect({ type: 'warning', code: event.code ?? 'info', message: event.message });
      break;
    case 'input_muted':
    case 'context_appended':
    case 'backend_event':
    case 'ignored':
      break;
  }
}

function onStarted(
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

function readDelegation(t: Transition, config: Json): void {
  const delegation = config.delegation;
  const type =
    typeof delegation === 'object' && delegation !== null && 'type' in delegation
      ? delegation.type
      : null;
  setLive(t, { delegation: typeof type === 'string' ? type : 'client' });
}

// ── transcripts ──

function nextItemId(t: Transition, speaker: 'user' | 'assistant'): string {
  const seq = live(t).itemSeq + 1;
  setLive(t, { itemSeq: seq });
  return `live_${speaker === 'user' ? 'u' : 'a'}_${t.state.generation}_${seq}`;
}

function onFragment(
  t: StampedTransition,
  speaker: 'user' | 'assistant',
  text: string,
  startMs: number | null,
  endMs: number | null,
): void {
  const state = live(t);
  const start = startMs ?? state.clockMs;
  const end = Math.max(endMs ?? start, start);
  setLive(t, { clockMs: Math.max(state.clockMs, end) });
  if (speaker === 'user') {
    const assistant = live(t).assistant;
    if (assistant !== null) {
      // The user spoke over a reply that is still playing: the model yields (it owns the turn),
      // and what is queued here must not play on. Otherwise the reply had simply ended.
      if (isPlaying(t, assistant)) bargeIn(t, assistant.itemId);
      closeSegment(t, 'assistant');
    }
    extend(t, 'user', text, start, end);
    t.state.userSpeaking = true;
  } else {
    if (live(t).user !== null) closeSegment(t, 'user');
    extend(t, 'assistant', text, start, end);
  }
  touch(t);
}

/** Whether the assistant's audio for `segment` is still ahead of the playhead. */
function isPlaying(t: Transition, segment: LiveSegment): boolean {
  return (
    t.state.playback?.itemId === segment.itemId &&
    live(t).trackSamples / SAMPLES_PER_MS > segment.startMs
  );
}

/** Appends a fragment to the speaker's open turn, or opens a new one. */
function extend(
  t: StampedTransition,
  speaker: 'user' | 'assistant',
  text: string,
  startMs: number,
  endMs: number,
): void {
  const open = live(t)[speaker];
  if (open !== null && startMs - open.endMs <= GAP_MS) {
    const record = t.record(open.itemId);
    const segment = { ...open, endMs: Math.max(open.endMs, endMs) };
    setLive(t, { [speaker]: segment });
    if (record !== undefined) {
      t.put({
        ...withText(record, record.text.append(text)),
        audioSamples: speaker === 'assistant' ? spanSamples(segment) : 0,
      });
    }
    return;
  }
  if (open !== null) closeSegment(t, speaker);
  const itemId = nextItemId(t, speaker);
  const segment: LiveSegment = { itemId, startMs, endMs };
  const record = newMessage(
    {
      id: itemId,
      role: speaker,
      modality: 'audio',
      streaming: true,
      createdAt: t.wallAt,
    },
    TextRope.of(text),
  );
  store(t, speaker === 'assistant' ? { ...record, audioSamples: spanSamples(segment) } : record);
  setLive(t, { [speaker]: segment });
  if (speaker === 'assistant') {
    const starts = new Map(live(t).starts);
    starts.set(itemId, startMs);
    // Only recent items can still be playing: keep the map small.
    if (starts.size > 16) starts.delete(starts.keys().next().value!);
    setLive(t, { starts });
    t.state.playback = { itemId, responseId: null };
    // The user's turn ended when the answer began: the turn's latency runs from there.
    t.state.turnStart = null;
  }
}

/** 24 kHz samples of the timeline span of a segment (what its audio lasts). */
function spanSamples(segment: LiveSegment): number {
  return Math.max(0, segment.endMs - segment.startMs) * SAMPLES_PER_MS;
}

/** Completes a speaker's open turn. */
function closeSegment(t: Transition, speaker: 'user' | 'assistant'): void {
  const open = live(t)[speaker];
  if (open === null) return;
  setLive(t, { [speaker]: null });
  const record = t.record(open.itemId);
  if (record !== undefined && record.view.type === 'message') {
    store(t, { ...withView(record, { status: 'completed', streaming: false }), audioDone: true });
  }
  if (speaker === 'user') {
    t.state.userSpeaking = false;
    t.state.turnStart = t.at;
  } else if (t.state.playback?.itemId === open.itemId) {
    t.state.playback = null;
  }
}

// ── audio ──

function onOutputAudio(t: StampedTransition, audio: string): void {
  const samples = base64Samples(audio);
  const state = live(t);
  const trackSamples = state.trackSamples + samples;
  const trackMs = trackSamples / SAMPLES_PER_MS;
  setLive(t, { trackSamples, clockMs: Math.max(state.clockMs, trackMs) });
  t.effect({ type: 'audio_enqueue', itemId: liveTrackId(t.state), audio });
  // No fragment for CLOSE_MS of timeline: the turns are over.
  const clock = live(t).clockMs;
  for (const speaker of ['user', 'assistant'] as const) {
    const open = live(t)[speaker];
    if (open !== null && clock - open.endMs > CLOSE_MS) closeSegment(t, speaker);
  }
}

/** Flushes what is queued and marks the item interrupted once the flush says what was heard. */
function bargeIn(t: Transition, itemId: string): void {
  t.effect({ type: 'audio_flush' });
  t.state.bargeIn = { itemId };
  t.state.playback = null;
}

/** The flush resolved: the interrupted item was heard up to the track position minus its start. */
export function onLiveFlushed(
  t: Transition,
  position: { itemId: string; playedSamples: number; outputLatencyMs: number } | null,
): void {
  const barge = t.state.bargeIn;
  t.state.bargeIn = null;
  if (barge === null || barge.itemId === null) return;
  const record = t.record(barge.itemId);
  const start = live(t).starts.get(barge.itemId);
  if (record === undefined || record.view.type !== 'message' || start === undefined) return;
  const heardTrackMs =
    position !== null && position.itemId === liveTrackId(t.state)
      ? position.playedSamples / SAMPLES_PER_MS - position.outputLatencyMs
      : 0;
  const receivedMs = Math.floor(record.audioSamples / SAMPLES_PER_MS);
  const heardMs = Math.max(0, Math.min(Math.floor(heardTrackMs - start), receivedMs));
  if (heardMs >= receivedMs && receivedMs > 0) return;
  markTruncated(t, barge.itemId, heardMs);
}

/**
 * The playhead of a Live assistant item from the track's position: heard and received time
 * measured from the item's start on the session timeline.
 */
export function livePlayhead(
  state: MachineState,
  itemId: string,
  position: { itemId: string; playedSamples: number; outputLatencyMs: number } | null,
): ItemPlayhead | null {
  const start = state.live?.starts.get(itemId);
  const index = state.index.get(itemId);
  const record = index === undefined ? undefined : state.records[index];
  if (start === undefined || record === undefined) return null;
  const trackMs =
    position !== null && position.itemId === liveTrackId(state)
      ? position.playedSamples / SAMPLES_PER_MS - position.outputLatencyMs
      : 0;
  const receivedMs = record.audioSamples / SAMPLES_PER_MS;
  return {
    itemId,
    heardMs: Math.max(0, Math.min(trackMs - start, receivedMs)),
    receivedMs,
    audioDone: record.audioDone,
    playing: state.playback?.itemId === itemId,
  };
}

// ── delegation and tools ──

function putDelegation(t: Transition, id: string, delegation: LiveDelegation): void {
  const delegations = new Map(live(t).delegations);
  delegations.set(id, delegation);
  // Finished delegations are not needed for long.
  if (delegations.size > 32) delegations.delete(delegations.keys().next().value!);
  setLive(t, { delegations });
}

function onToolCall(
  t: StampedTransition,
  call: Extract<NeutralEvent, { kind: 'tool_call' }>,
): void {
  // One execution per call, however many copies arrive (duplicates, sideband replays).
  if (live(t).calls.has(call.callId)) return;
  const calls = new Map(live(t).calls);
  calls.set(call.callId, call.delegationId);
  if (calls.size > 256) calls.delete(calls.keys().next().value!);
  setLive(t, { calls });
  if (call.delegationId !== null) {
    const delegation = live(t).delegations.get(call.delegationId);
    // A call after a continuation starts a new round for the same delegation.
    const base =
      delegation === undefined || delegation.continued
        ? { calls: [], responseDone: false, continued: false }
        : delegation;
    putDelegation(t, call.delegationId, { ...base, calls: [...base.calls, call.callId] });
  }
  const itemId = t.has(call.itemId) ? `${call.itemId}_${call.callId}` : call.itemId;
  const record = newFunctionCall(
    {
      id: itemId,
      callId: call.callId,
      name: call.name,
      responseId: call.responseId,
      createdAt: t.wallAt,
    },
    TextRope.of(call.arguments),
  );
  const isClient = t.state.clientTools.some((tool) => tool.name === call.name);
  const policy = t.state.config.unhandledToolCalls;
  const serverRuns = policy === 'server' || (policy === 'auto' && t.state.serverRunsTools);
  if (isClient || serverRuns) {
    const runningCalls = new Map(t.state.runningCalls);
    runningCalls.set(call.callId, {
      itemId,
      responseId: call.responseId,
      name: call.name,
      startedAt: t.at,
      executor: isClient ? 'client' : 'server',
    });
    t.state.runningCalls = runningCalls;
    if (isClient) {
      store(t, withView(record, { status: 'running', executor: 'client' }));
      t.effect({
        type: 'tool_run',
        callId: call.callId,
        itemId,
        name: call.name,
        arguments: call.arguments,
      });
    } else {
      store(t, withView(record, { status: 'awaiting_server', executor: 'server' }));
    }
    touch(t);
    return;
  }
  // Nobody can run it: an honest output, never silence.
  const error: ToolCallError = {
    code: 'unknown_tool',
    message: `No tool named "${call.name}" is registered`,
    issues: [],
  };
  const output = JSON.stringify({ error });
  store(t, withView(record, { status: 'failed', error, output, durationMs: 0 }));
  if (t.online) command(t, { kind: 'tool_output', callId: call.callId, output });
  continueIfReady(t, call.delegationId);
}

/** A client tool finished: its output goes to the backend, then maybe the one continuation. */
export function onLiveToolResult(
  t: Transition,
  callId: string,
  output: string,
  error: ToolCallError | null,
): void {
  if (!finishClientCall(t, callId, output, error)) return;
  if (t.online) command(t, { kind: 'tool_output', callId, output });
  touch(t);
  continueIfReady(t, live(t).calls.get(callId) ?? null);
}

/**
 * After the backend response is done and every one of its calls has an output: exactly one
 * `continue_backend` (live-protocol.md §6.4). Calls the relay runs are its to continue.
 */
function continueIfReady(t: Transition, delegationId: string | null): void {
  if (delegationId === null) return;
  const delegation = live(t).delegations.get(delegationId);
  if (delegation === undefined || delegation.continued || !delegation.responseDone) return;
  if (delegation.calls.length === 0) return;
  let ours = false;
  for (const callId of delegation.calls) {
    const running = t.state.runningCalls.get(callId);
    if (running !== undefined) return;
    const itemId = [...t.allRecords].find(
      (record) => record.view.type === 'function_call' && record.view.callId === callId,
    )?.view;
    if (itemId?.type === 'function_call' && itemId.executor === 'client') ours = true;
  }
  putDelegation(t, delegationId, { ...delegation, continued: true });
  if (ours && t.online) command(t, { kind: 'continue_backend' });
}

// ── usage, close, errors ──

function onSeconds(t: Transition, seconds: number | null, contextRatio: number | null): void {
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
function onClosed(t: Transition, reason: string | null): void {
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

function onError(t: Transition, code: string | null, message: string): void {
  if (code !== null && BENIGN_LIVE_ERRORS.has(code)) {
    t.countBenign(code);
    t.effect({ type: 'warning', code, message });
    return;
  }
  const failure = new ParleyError('server', message, code === null ? {} : { code });
  t.set('error', failure);
  t.effect({ type: 'error', error: failure });
}

// ── commands ──

/**
 * Typed text. Under Responses delegation it is a user message for the backend
 * (`response.item.create` + `response.create`, §6.5). Under client delegation Live has no user
 * message: it goes in as silent context (`session.thinking.append`) labelled as typed by the
 * visitor — never as instructions, which the model treats as trusted (§4).
 */
export function sendUserText(t: Transition, text: string): void {
  if (live(t).delegation === 'responses') {
    command(t, { kind: 'user_text', text });
    return;
  }
  const content = `The user typed: ${text}`;
  for (let offset = 0; offset < content.length; offset += LIVE_LIMITS.appendCharacters) {
    command(t, {
      kind: 'append_context',
      channel: 'thinking',
      content: content.slice(offset, offset + LIVE_LIMITS.appendCharacters),
      delegationId: null,
    });
  }
}

/** Typed text in a Live session: shown as a user item and sent (or held until a session starts). */
export function onLiveSendText(t: StampedTransition, text: string, itemId: string): void {
  if (text.trim() === '') return;
  closeSegment(t, 'user');
  store(
    t,
    newMessage(
      { id: itemId, role: 'user', status: 'completed', createdAt: t.wallAt },
      TextRope.of(text),
    ),
  );
  if (t.online) sendUserText(t, text);
  else t.state.unsent = [...t.state.unsent, itemId];
  t.state.turnStart = t.at;
  touch(t);
}

/**
 * `interrupt()` on Live: no client event cancels the model's speech (§7). The nearest correct
 * thing: stop playing it here (flush, marked interrupted at what was heard) and tell the model to
 * stop with a `session.instructions.append`, as the reference's guardrail recipe does.
 */
export function onLiveInterrupt(t: Transition): void {
  const assistant = live(t).assistant;
  if (assistant === null) return;
  bargeIn(t, assistant.itemId);
  closeSegment(t, 'assistant');
  if (t.online) {
    command(t, {
      kind: 'append_context',
      channel: 'instructions',
      content: 'The user interrupted you. Stop speaking now and listen.',
      delegationId: null,
    });
  }
}

/** Mute on Live: acknowledged by the server; the session keeps streaming (silence) meanwhile. */
export function onLiveMute(t: Transition, muted: boolean): void {
  if (t.snapshot.muted === muted) return;
  t.set('muted', muted);
  if (t.online) command(t, { kind: 'mute', muted });
}

/** The Live family's handlers, handed to the machine by the session (see `FamilyHandlers`). */
export const liveFamily: FamilyHandlers = {
  family: 'live',
  capabilities: liveCapabilities,
  onEvent: onLiveEvent,
  onTransportOpen: onLiveTransportOpen,
  onDisconnect: (t) => {
    // GPT-Live finalizes explicitly: `session.close` first, so the server bills to this point.
    if (t.online) command(t, { kind: 'close' });
  },
  closeCode: liveCloseCode,
  onFlushed: onLiveFlushed,
  onSendText: onLiveSendText,
  onInterrupt: onLiveInterrupt,
  onMute: onLiveMute,
  onToolResult: onLiveToolResult,
  playhead: livePlayhead,
  trackId: liveTrackId,
};
