// The conversation's items: server items placed and finalized, transcripts streamed into messages,
// server tool outputs attached, truncation. Responses, audio and usage are in responses.ts.
import type { RealtimeItem } from '../protocol/index.js';
import type { ConversationItem, FunctionCallItem, MessageItem, ToolCallError } from '../types.js';
import {
  SAMPLES_PER_MS,
  heardPart,
  itemStatus,
  messageContent,
  newFunctionCall,
  newMessage,
  withText,
  withView,
  type ItemChange,
} from './items.js';
import { spokenMs } from './spoken-length.js';
import type { ItemRecord } from './state.js';
import { TextRope } from './text-rope.js';
import type { Transition } from './transition.js';

const FINAL = new Set(['completed', 'incomplete']);

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
  if (view.type === 'mcp_approval_request') return view.decision !== 'pending';
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
export function attachServerOutput(t: Transition, callId: string, output: string): void {
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
export function messageFor(
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
  modality?: 'audio' | 'text' | null,
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
  const receivedMs = record.audioSamples / SAMPLES_PER_MS;
  // Audio that played as media never arrived here: its length is estimated from the text.
  const totalMs =
    receivedMs === 0 && t.state.mediaAudio
      ? Math.max(audioEndMs, spokenMs(t.state, record.text.length))
      : receivedMs;
  const heardText =
    totalMs > 0 ? heardPart(record.text.toString(), audioEndMs, totalMs) : record.view.heardText;
  t.put(
    withView(record, {
      interrupted: true,
      audioEndMs,
      heardText,
      audioMs: Math.round(totalMs),
    }),
  );
}
