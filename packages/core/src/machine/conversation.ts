// Server events about the conversation: items, transcripts, audio, responses and usage.
import type { RealtimeItem, ServerEventOf } from '../protocol/index.js';
import type {
  ConversationItem,
  FunctionCallItem,
  MessageItem,
  ToolCallError,
  TurnMetrics,
} from '../types.js';
import {
  SAMPLES_PER_MS,
  base64Samples,
  heardPart,
  itemStatus,
  messageContent,
  newFunctionCall,
  newMessage,
  withText,
  withView,
  type ItemChange,
} from './items.js';
import { addUsage, costOf, findPrice, tokenUsageOf } from './pricing.js';
import type { ItemRecord, ResponseRecord } from './state.js';
import { TextRope } from './text-rope.js';
import type { Transition } from './transition.js';

const FINAL = new Set(['completed', 'incomplete']);
/** Responses kept after they are done (for late events and tool batches). */
const KEPT_RESPONSES = 32;

// ── items ──

/** Emits `item_completed` when an item has just reached its final state. */
function announceIfFinal(
  t: Transition,
  before: ConversationItem | undefined,
  after: ItemRecord,
): void {
  const view = after.view;
  const wasFinal = before !== undefined && isFinal(before);
  if (!wasFinal && isFinal(view)) t.effect({ type: 'item_completed', item: view });
}

function isFinal(view: ConversationItem): boolean {
  if (view.type === 'message') return FINAL.has(view.status) && !view.streaming;
  return view.status === 'completed' || view.status === 'failed' || view.status === 'cancelled';
}

/** Puts a record in place (new or changed) and announces it when it became final. */
export function store(t: Transition, record: ItemRecord, afterId?: string | null): void {
  const before = t.record(record.view.id);
  if (before) t.put(record);
  else t.insert(record, afterId);
  announceIfFinal(t, before?.view, record);
}

/**
 * Applies a server item snapshot (`conversation.item.added/done`, `response.output_item.*`,
 * `response.done` output). Creates the item when new, places it after `previousItemId` when the
 * server says where it goes, and merges otherwise: a later snapshot never erases text the
 * client already streamed.
 */
export function applyServerItem(
  t: Transition,
  item: RealtimeItem,
  options: {
    previousItemId?: string | null | undefined;
    final: boolean;
    responseId?: string | null;
    wallAt: number;
    positioned: boolean;
  },
): void {
  const id = item.id;
  if (id === undefined) return;
  if (item.type === 'function_call_output') {
    attachServerOutput(t, item.call_id, item.output);
    return;
  }
  if (item.type !== 'message' && item.type !== 'function_call') return;
  const existing = t.record(id);

  if (item.type === 'message') {
    const { modality, text } = messageContent(item);
    const fallbackStatus = options.final ? 'completed' : 'in_progress';
    if (!existing || existing.view.type !== 'message') {
      const status = itemStatus(item.status, fallbackStatus);
      const streaming =
        item.role === 'assistant'
          ? !FINAL.has(status)
          : modality === 'audio' && text === null && t.state.transcription;
      const record = newMessage(
        {
          id,
          role: item.role,
          status,
          modality,
          streaming,
          responseId: item.role === 'assistant' ? (options.responseId ?? null) : null,
          createdAt: options.wallAt,
        },
        text === null ? TextRope.empty : TextRope.of(text),
        options.positioned,
      );
      store(t, record, options.previousItemId);
      return;
    }
    let record = existing;
    const view = existing.view;
    const status = itemStatus(item.status, options.final ? 'completed' : view.status);
    const change: ItemChange<MessageItem> = { status };
    if (modality === 'audio' && view.modality !== 'audio') change.modality = 'audio';
    if (options.responseId && view.responseId === null) change.responseId = options.responseId;
    if (view.role === 'assistant' && options.final) change.streaming = false;
    // The server's text wins once it has some, unless the item was truncated (the server then
    // drops its transcript) and the client's copy is the only full one.
    if (text !== null && !(view.interrupted && text.length < record.text.length)) {
      record = withText(record, TextRope.of(text), change);
    } else {
      record = withView(record, change);
    }
    if (!existing.positioned && options.positioned) {
      record = { ...record, positioned: true };
      store(t, record);
      if (options.previousItemId) t.move(id, options.previousItemId);
      return;
    }
    store(t, record);
    return;
  }

  // function_call
  if (!existing || existing.view.type !== 'function_call') {
    const record = newFunctionCall(
      {
        id,
        // The official types let a snapshot come without a call id; a later one (or the
        // arguments' done event, where it is required) fills it in.
        callId: item.call_id ?? '',
        name: item.name,
        responseId: options.responseId ?? null,
        createdAt: options.wallAt,
      },
      TextRope.of(item.arguments),
      options.positioned,
    );
    store(t, record, options.previousItemId);
    return;
  }
  const view = existing.view;
  const change: ItemChange<FunctionCallItem> = {};
  if (item.name !== '' && view.name !== item.name) change.name = item.name;
  if (view.callId === '' && item.call_id) change.callId = item.call_id;
  if (options.responseId && view.responseId === null) change.responseId = options.responseId;
  let record =
    item.arguments.length > 0 && item.arguments !== existing.text.toString()
      ? withText(existing, TextRope.of(item.arguments), change)
      : withView(existing, change);
  if (!existing.positioned && options.positioned) {
    record = { ...record, positioned: true };
    store(t, record);
    if (options.previousItemId) t.move(id, options.previousItemId);
    return;
  }
  store(t, record);
}

const SERVER_ERROR_CODES: ReadonlySet<string> = new Set([
  'invalid_arguments',
  'timeout',
  'unknown_tool',
]);

/**
 * The failure a server tool's output reports: the Parley relay writes `{"error":{"code","message"}}`
 * for a tool that failed (as this session does for its own tools). Codes outside
 * {@link ToolCallError}'s set (the server's `past_time`, `tool_failed`…) become `execution_error`.
 */
function serverToolError(output: string): ToolCallError | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    return null;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
  const error = (parsed as { error?: unknown }).error;
  if (error === null || typeof error !== 'object') return null;
  const { code, message, issues } = error as {
    code?: unknown;
    message?: unknown;
    issues?: unknown;
  };
  if (typeof message !== 'string') return null;
  return {
    code:
      typeof code === 'string' && SERVER_ERROR_CODES.has(code)
        ? (code as ToolCallError['code'])
        : 'execution_error',
    message,
    issues: Array.isArray(issues)
      ? issues.flatMap((issue: unknown) => {
          const entry = issue as { path?: unknown; message?: unknown } | null;
          return entry && typeof entry.message === 'string'
            ? [{ path: typeof entry.path === 'string' ? entry.path : '', message: entry.message }]
            : [];
        })
      : [],
  };
}

/** A `function_call_output` the server reports: the relay ran the tool (or the echo of ours). */
function attachServerOutput(t: Transition, callId: string, output: string): void {
  const record = t.allRecords.find(
    (candidate) => candidate.view.type === 'function_call' && candidate.view.callId === callId,
  );
  if (!record || record.view.type !== 'function_call') return;
  if (record.view.output !== null) return;
  const running = t.state.runningCalls.get(callId);
  const error = serverToolError(output);
  const change: ItemChange<FunctionCallItem> = {
    output,
    status: error === null ? 'completed' : 'failed',
    error,
  };
  if (running) {
    change.durationMs = Math.round(t.at - running.startedAt);
    const runningCalls = new Map(t.state.runningCalls);
    runningCalls.delete(callId);
    t.state.runningCalls = runningCalls;
    t.updateTurn(running.responseId, (turn) => ({
      ...turn,
      tools: [...turn.tools, { name: running.name, durationMs: change.durationMs ?? null }],
    }));
  }
  store(t, withView(record, change));
}

/** The record of a message an event refers to, created (unplaced) when the event came first. */
function messageFor(
  t: Transition,
  itemId: string,
  role: 'user' | 'assistant',
  wallAt: number,
  responseId: string | null = null,
): ItemRecord {
  const existing = t.record(itemId);
  if (existing) return existing;
  const record = newMessage(
    {
      id: itemId,
      role,
      modality: role === 'user' ? 'audio' : 'text',
      streaming: true,
      responseId,
      createdAt: wallAt,
    },
    TextRope.empty,
    false,
  );
  t.insert(record, undefined);
  return record;
}

/** Appends a streamed delta to a message's text. */
export function appendText(
  t: Transition,
  itemId: string,
  delta: string,
  role: 'user' | 'assistant',
  wallAt: number,
  responseId: string | null,
  modality?: 'audio' | 'text',
): void {
  const record = messageFor(t, itemId, role, wallAt, responseId);
  if (record.view.type !== 'message') return;
  const change: ItemChange<MessageItem> = {};
  if (!record.view.streaming && !FINAL.has(record.view.status)) change.streaming = true;
  if (modality && record.view.modality !== modality) change.modality = modality;
  t.put(withText(record, record.text.append(delta), change));
}

/** Replaces a message's text with the server's final version. */
export function finalText(
  t: Transition,
  itemId: string,
  text: string,
  role: 'user' | 'assistant',
  wallAt: number,
  change: Partial<MessageItem> = {},
): void {
  const record = messageFor(t, itemId, role, wallAt);
  if (record.view.type !== 'message') return;
  const keepOurs = record.view.interrupted && text.length < record.text.length;
  const next = keepOurs
    ? withView(record, change)
    : withText(record, text === record.text.toString() ? record.text : TextRope.of(text), change);
  store(t, next);
}

/** Marks an assistant item as cut at `audioEndMs`, with the heard part of its text. */
export function markTruncated(t: Transition, itemId: string, audioEndMs: number): void {
  const record = t.record(itemId);
  if (!record || record.view.type !== 'message') return;
  const totalMs = record.audioSamples / SAMPLES_PER_MS;
  const heardText =
    totalMs > 0 ? heardPart(record.text.toString(), audioEndMs, totalMs) : record.view.heardText;
  t.put(
    withView(record, {
      interrupted: true,
      audioEndMs,
      heardText,
      audioMs: Math.round(record.audioSamples / SAMPLES_PER_MS),
    }),
  );
}

// ── audio ──

/** Counts and (unless silenced) plays one assistant audio delta. */
export function applyAudioDelta(
  t: Transition,
  event: ServerEventOf<'response.output_audio.delta'>,
  wallAt: number,
): void {
  const record = messageFor(t, event.item_id, 'assistant', wallAt, event.response_id);
  if (record.view.type !== 'message') return;
  const audioSamples = record.audioSamples + base64Samples(event.delta);
  // `audioMs` is published when the audio is done, not per chunk: no re-render per audio delta.
  t.put(
    record.view.modality === 'audio'
      ? { ...record, audioSamples }
      : withView({ ...record, audioSamples }, { modality: 'audio' }),
  );
  markOutput(t, event.response_id, 'audio');
  const silenced = record.view.interrupted || t.state.silencedResponseId === event.response_id;
  if (!silenced) {
    t.effect({ type: 'audio_enqueue', itemId: event.item_id, audio: event.delta });
    if (t.state.playback?.itemId !== event.item_id) {
      t.state.playback = { itemId: event.item_id, responseId: event.response_id };
    }
  }
}

/** The server finished sending an item's audio. */
export function applyAudioDone(t: Transition, itemId: string): void {
  const record = t.record(itemId);
  if (!record || record.audioDone) return;
  t.put(
    withView(
      { ...record, audioDone: true },
      { audioMs: Math.round(record.audioSamples / SAMPLES_PER_MS) },
    ),
  );
  // The player may already have played everything: then nothing is audible any more.
  const idle = t.state.lastIdle;
  if (
    t.state.playback?.itemId === itemId &&
    idle !== null &&
    idle.itemId === itemId &&
    idle.playedSamples >= record.audioSamples
  ) {
    t.state.playback = null;
  }
}

/** A response produced output: the agent is speaking (and the turn's first output is timed). */
export function markOutput(t: Transition, responseId: string, kind: 'audio' | 'text'): void {
  const response = t.state.responses.get(responseId);
  if (response && !response.hasOutput) setResponse(t, { ...response, hasOutput: true });
  t.updateTurn(responseId, (turn) =>
    turn.firstAudioReceivedAt !== null || (kind === 'text' && responseHasAudio(t, responseId))
      ? turn
      : withLatency(t, { ...turn, firstAudioReceivedAt: t.at }),
  );
}

function responseHasAudio(t: Transition, responseId: string): boolean {
  return t.allRecords.some(
    (record) =>
      record.view.type === 'message' &&
      record.view.responseId === responseId &&
      record.view.modality === 'audio',
  );
}

/** Fills in derived latencies and keeps the running means. */
export function withLatency(t: Transition, turn: TurnMetrics): TurnMetrics {
  const start = turn.userStoppedAt;
  let next = turn;
  const sums = { ...t.state.latencySums };
  if (start !== null && turn.firstAudioReceivedAt !== null && turn.timeToFirstAudioMs === null) {
    const value = Math.round(turn.firstAudioReceivedAt - start);
    next = { ...next, timeToFirstAudioMs: value };
    sums.audio += value;
    sums.audioCount += 1;
  }
  if (start !== null && turn.firstAudioPlayedAt !== null && turn.timeToFirstPlayMs === null) {
    const value = Math.round(turn.firstAudioPlayedAt - start);
    next = { ...next, timeToFirstPlayMs: value };
    sums.play += value;
    sums.playCount += 1;
  }
  if (next !== turn) {
    t.state.latencySums = sums;
    const metrics = t.snapshot.metrics;
    t.set('metrics', {
      ...metrics,
      meanTimeToFirstAudioMs: sums.audioCount > 0 ? sums.audio / sums.audioCount : null,
      meanTimeToFirstPlayMs: sums.playCount > 0 ? sums.play / sums.playCount : null,
    });
  }
  return next;
}

/** The first sample of a response was played (locally or by the WebRTC server buffer). */
export function markPlayed(t: Transition, responseId: string | null): void {
  t.updateTurn(responseId, (turn) =>
    turn.firstAudioPlayedAt !== null ? turn : withLatency(t, { ...turn, firstAudioPlayedAt: t.at }),
  );
}

// ── responses ──

export function setResponse(t: Transition, response: ResponseRecord): void {
  const responses = new Map(t.state.responses);
  responses.set(response.id, response);
  if (responses.size > KEPT_RESPONSES) {
    for (const [id, candidate] of responses) {
      if (responses.size <= KEPT_RESPONSES) break;
      if (candidate.done && id !== t.state.activeResponseId) responses.delete(id);
    }
  }
  t.state.responses = responses;
}

/** Starts the metrics entry of a new response (bounded history). */
export function startTurnMetrics(
  t: Transition,
  responseId: string,
  userStoppedAt: number | null,
): void {
  const metrics = t.snapshot.metrics;
  const entry: TurnMetrics = {
    responseId,
    userStoppedAt,
    firstAudioReceivedAt: null,
    firstAudioPlayedAt: null,
    timeToFirstAudioMs: null,
    timeToFirstPlayMs: null,
    tools: [],
    usage: null,
    costUsd: null,
  };
  const turns = [...metrics.turns, entry];
  if (turns.length > t.state.config.metricsHistory)
    turns.splice(0, turns.length - t.state.config.metricsHistory);
  t.set('metrics', { ...metrics, turns, turnCount: metrics.turnCount + 1 });
}

/** Adds a finished response's usage to the totals and prices it. */
export function addResponseUsage(
  t: Transition,
  usage: NonNullable<ServerEventOf<'response.done'>['response']['usage']>,
  responseId: string | null = null,
): void {
  const tokens = tokenUsageOf(usage);
  const current = t.snapshot.usage;
  const model = t.snapshot.model;
  const price = findPrice(t.state.config.prices, model);
  const cost = price === null ? null : costOf(tokens, price);
  t.set('usage', {
    ...current,
    responses: current.responses + 1,
    total: addUsage(current.total, tokens),
    lastResponse: tokens,
    model,
    costUsd: cost === null ? current.costUsd : (current.costUsd ?? 0) + cost,
  });
  t.updateTurn(responseId, (turn) => ({ ...turn, usage: tokens, costUsd: cost }));
}

/**
 * Closes out the items of a finished response: after a cancel or failure its open messages end
 * `incomplete` and its unfinished calls `cancelled`; after a success, messages whose own `done`
 * event never came are completed (the response's word is final).
 */
export function settleResponseItems(t: Transition, responseId: string, status: string): void {
  const completed = status === 'completed';
  for (const record of t.allRecords) {
    const view = record.view;
    if (view.responseId !== responseId) continue;
    if (
      view.type === 'message' &&
      view.role === 'assistant' &&
      (view.status === 'in_progress' || view.streaming)
    ) {
      store(
        t,
        withView(record, {
          audioMs: Math.round(record.audioSamples / SAMPLES_PER_MS),
          status: completed ? 'completed' : 'incomplete',
          streaming: false,
          interrupted: (!completed && status === 'cancelled') || view.interrupted,
        }),
      );
    } else if (!completed && view.type === 'function_call' && view.status === 'streaming') {
      store(t, withView(record, { status: 'cancelled' }));
    }
  }
}
