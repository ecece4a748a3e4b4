// GPT-Live tools in the machine: one execution per completed call, one output per call, then
// one `continue_backend` once the backend response is done and every output was sent.
import type { NeutralEvent } from '../protocol/index.js';
import { isRecord, type Json } from '../protocol/json.js';
import type { ToolCallError } from '../types.js';
import { attachServerOutput, store } from './conversation.js';
import { newFunctionCall, withView } from './items.js';
import { finishClientCall } from './tool-calls.js';
import { touch } from './sequencing.js';
import { command, live, setLive } from './live-base.js';
import type { LiveDelegation } from './live-state.js';
import { TextRope } from './text-rope.js';
import type { StampedTransition, Transition } from './transition.js';

export function putDelegation(t: Transition, id: string, delegation: LiveDelegation): void {
  const delegations = new Map(live(t).delegations);
  delegations.set(id, delegation);
  // Finished delegations are not needed for long.
  if (delegations.size > 32) delegations.delete(delegations.keys().next().value!);
  setLive(t, { delegations });
}

export function onToolCall(
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

/** A call the relay ran reported its output (`parley.tool_output`): the card shows the result. */
export function onRelayToolOutput(t: Transition, callId: string, output: string): void {
  attachServerOutput(t, callId, output);
  touch(t);
  continueIfReady(t, live(t).calls.get(callId) ?? null);
}

/**
 * After the backend response is done and every one of its calls has an output: exactly one
 * `continue_backend` (live-protocol.md §6.4). Calls the relay runs are its to continue.
 */
export function continueIfReady(t: Transition, delegationId: string | null): void {
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

/**
 * A hosted tool's item in a delegation's backend stream (`web_search_call`, `file_search_call`,
 * …; live-protocol.md §6.4: the service runs it and nothing comes back to the client): shown as a
 * tool card the server runs, named after the tool (`web_search`), its action (the query) as the
 * arguments, running from `output_item.added`, completed (or failed) with the item's `done` copy,
 * whose sources become the output. Progress events (`response.web_search_call.searching`) add
 * nothing the two copies do not say.
 */
export function onHostedToolItem(t: StampedTransition, event: Json): void {
  const added = event.type === 'response.output_item.added';
  if (!added && event.type !== 'response.output_item.done') return;
  const item = event.item;
  if (!isRecord(item) || typeof item.id !== 'string' || typeof item.type !== 'string') return;
  if (item.type === 'function_call' || !item.type.endsWith('_call')) return;
  const action = isRecord(item.action) ? item.action : {};
  const { sources, ...request } = action;
  const failed = item.status === 'failed' || item.status === 'incomplete';
  const existing = t.record(item.id);
  // One card per hosted call, however many copies arrive.
  if (
    existing !== undefined &&
    (added || existing.view.type !== 'function_call' || existing.view.output !== null)
  )
    return;
  const record =
    existing ??
    newFunctionCall(
      {
        id: item.id,
        callId: item.id,
        name: item.type.slice(0, -'_call'.length),
        executor: 'server',
        responseId: str(event.response_id),
        createdAt: t.wallAt,
      },
      TextRope.of(JSON.stringify(request)),
    );
  if (added) {
    store(t, withView(record, { status: 'running' }));
    return;
  }
  const output = JSON.stringify(
    sources === undefined ? { status: item.status ?? 'completed' } : { sources },
  );
  store(
    t,
    withView(record, {
      status: failed ? 'failed' : 'completed',
      output,
      durationMs:
        existing === undefined ? 0 : Math.max(0, Math.round(t.wallAt - record.view.createdAt)),
    }),
  );
  touch(t);
}

const str = (value: unknown): string | null => (typeof value === 'string' ? value : null);
