// Function calls: streaming arguments, who runs them, their outputs, and the one follow-up.
import type { FunctionCallItem, ToolCallError } from '../types.js';
import { applyServerItem, store } from './conversation.js';
import { setResponse } from './responses.js';
import { withText, withView, type ItemChange } from './items.js';
import { requestResponse, touch } from './sequencing.js';
import { TextRope } from './text-rope.js';
import type { Transition } from './transition.js';

/** A streamed piece of a function call's arguments. */
export function appendArguments(
  t: Transition,
  itemId: string,
  callId: string,
  responseId: string,
  delta: string,
  wallAt: number,
): void {
  const record = ensureCall(t, itemId, callId, responseId, wallAt);
  if (record.view.type !== 'function_call' || record.view.status !== 'streaming') return;
  t.put(withText(record, record.text.append(delta)));
}

/** A function call's complete arguments (and, in newer GA servers, its name). */
export function finalArguments(
  t: Transition,
  itemId: string,
  callId: string,
  responseId: string,
  args: string,
  name: string | null,
  wallAt: number,
): void {
  const record = ensureCall(t, itemId, callId, responseId, wallAt);
  if (record.view.type !== 'function_call' || record.view.status !== 'streaming') return;
  const change: ItemChange<FunctionCallItem> = name ? { name } : {};
  // A snapshot without a call id (allowed by the official types) gets it here, where it is required.
  if (record.view.callId === '') change.callId = callId;
  const text = args === record.text.toString() ? record.text : TextRope.of(args);
  t.put(withText(record, text, change));
}

function ensureCall(
  t: Transition,
  itemId: string,
  callId: string,
  responseId: string,
  wallAt: number,
) {
  const existing = t.record(itemId);
  if (existing) return existing;
  applyServerItem(
    t,
    { id: itemId, type: 'function_call', call_id: callId, name: '', arguments: '' },
    { final: false, responseId, wallAt, positioned: false },
  );
  return t.record(itemId)!;
}

/** Starts a finished function call: a client tool runs, the server's is awaited, else an error. */
export function startCall(
  t: Transition,
  itemId: string,
  itemStatusValue: string | undefined,
): void {
  const record = t.record(itemId);
  if (!record || record.view.type !== 'function_call' || record.view.status !== 'streaming') return;
  const view = record.view;
  if (view.responseId !== null && !t.state.responses.has(view.responseId)) {
    // The call came before its response.created: track the response so its follow-up happens.
    setResponse(t, {
      id: view.responseId,
      done: false,
      status: 'in_progress',
      hasOutput: false,
      clientCalls: [],
      turnStart: null,
      followedUp: false,
    });
  }
  const response = view.responseId === null ? undefined : t.state.responses.get(view.responseId);
  if (
    itemStatusValue === 'incomplete' ||
    (response?.done === true && response.status !== 'completed')
  ) {
    store(t, withView(record, { status: 'cancelled' }));
    return;
  }
  const policy = t.state.config.unhandledToolCalls;
  const isClient = t.state.clientTools.some((tool) => tool.name === view.name);
  const serverRuns = policy === 'server' || (policy === 'auto' && t.state.serverRunsTools);
  const runningCalls = new Map(t.state.runningCalls);
  if (isClient || serverRuns) {
    runningCalls.set(view.callId, {
      itemId,
      responseId: view.responseId,
      name: view.name,
      startedAt: t.at,
      executor: isClient ? 'client' : 'server',
    });
    t.state.runningCalls = runningCalls;
    if (isClient) {
      store(t, withView(record, { status: 'running', executor: 'client' }));
      t.effect({
        type: 'tool_run',
        callId: view.callId,
        itemId,
        name: view.name,
        arguments: record.text.toString(),
      });
      addClientCall(t, view.responseId, view.callId);
    } else {
      store(t, withView(record, { status: 'awaiting_server', executor: 'server' }));
    }
    return;
  }
  const error: ToolCallError = {
    code: 'unknown_tool',
    message: `No tool named "${view.name}" is registered`,
    issues: [],
  };
  const output = JSON.stringify({ error });
  store(t, withView(record, { status: 'failed', error, output, durationMs: 0 }));
  if (t.online) t.command({ kind: 'tool_output', callId: view.callId, output });
  addClientCall(t, view.responseId, view.callId);
  followUpAfterTools(t, view.responseId);
}

function addClientCall(t: Transition, responseId: string | null, callId: string): void {
  if (responseId === null) return;
  const response = t.state.responses.get(responseId);
  if (response && !response.clientCalls.includes(callId)) {
    setResponse(t, { ...response, clientCalls: [...response.clientCalls, callId] });
  }
}

/**
 * A client tool finished: it leaves the running calls and its item records the output, the error
 * and the duration. Returns the call and its duration (null when no client call has that id), so
 * each protocol sends the output its own way.
 */
export function finishClientCall(
  t: Transition,
  callId: string,
  output: string,
  error: ToolCallError | null,
) {
  const call = t.state.runningCalls.get(callId);
  if (!call || call.executor !== 'client') return null;
  const runningCalls = new Map(t.state.runningCalls);
  runningCalls.delete(callId);
  t.state.runningCalls = runningCalls;
  const durationMs = Math.round(t.at - call.startedAt);
  const record = t.record(call.itemId);
  if (record) {
    store(
      t,
      withView(record, {
        status: error === null ? 'completed' : 'failed',
        output,
        error,
        durationMs,
      }),
    );
  }
  return { call, durationMs };
}

/** A client tool finished: record and send its output, then maybe the one follow-up. */
export function onToolResult(
  t: Transition,
  callId: string,
  output: string,
  error: ToolCallError | null,
): void {
  const finished = finishClientCall(t, callId, output, error);
  if (!finished) return;
  const { call, durationMs } = finished;
  t.updateTurn(call.responseId, (turn) => ({
    ...turn,
    tools: [...turn.tools, { name: call.name, durationMs }],
  }));
  if (t.online) t.command({ kind: 'tool_output', callId, output });
  touch(t);
  followUpAfterTools(t, call.responseId);
}

/** After every output of a completed response's tool calls: exactly one `response.create`. */
export function followUpAfterTools(t: Transition, responseId: string | null): void {
  if (responseId === null) return;
  const response = t.state.responses.get(responseId);
  if (!response || !response.done || response.followedUp || response.clientCalls.length === 0)
    return;
  if (response.status !== 'completed') return;
  if (response.clientCalls.some((callId) => t.state.runningCalls.has(callId))) return;
  setResponse(t, { ...response, followedUp: true });
  // A turn is timed once, to its first output: after a preamble the answer is no new wait.
  if (!response.hasOutput) t.state.turnStart ??= response.turnStart;
  requestResponse(t, 'tools');
}
