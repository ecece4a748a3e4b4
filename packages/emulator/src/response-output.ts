import { itemToWire, type StoredItem } from './conversation.js';
import { createCallId, createId, createObfuscation } from './ids.js';
import type { ReplyPlan } from './responder.js';
import { streamAudio } from './response-audio.js';
import { addOutputItem, closeItem, emitItemDone } from './response-items.js';
import type { OutputStep } from './response-output-steps.js';
import {
  waitFor,
  type ActiveResponse,
  type Json,
  type OpenPart,
  type ResponseHost,
} from './response-types.js';
import { OUTPUT_SAMPLE_RATE } from './speech.js';
import { tokenPieces } from './token-pieces.js';
import { textTokens } from './usage.js';

const TEXT_DELTA_MS = 30;

/** How one output item ended: `done`, `cut` (the token limit closed it) or `ended` (cancelled). */
export type OutputOutcome = 'done' | 'cut' | 'ended';

/** An `mcp_approval_request` item: added and done at once (it has no deltas). */
export function emitApprovalRequest(
  host: ResponseHost,
  response: ActiveResponse,
  step: Extract<OutputStep, { kind: 'mcp_approval_request' }>,
): void {
  // In progress while it is added (the wire form has no status), so that conversation.item.added
  // is not followed by an early conversation.item.done: the one done comes after
  // response.output_item.done, as for every other output item.
  const item: StoredItem = {
    id: createId('mcpr'),
    type: 'mcp_approval_request',
    status: 'in_progress',
    server_label: step.serverLabel,
    name: step.name,
    arguments: step.arguments,
  };
  addOutputItem(host, response, item);
  item.status = 'completed';
  host.emit({
    type: 'response.output_item.done',
    response_id: response.id,
    output_index: response.output.length - 1,
    item: itemToWire(item),
  });
  emitItemDone(host, response, item);
}

/**
 * An `mcp_call`: its arguments in deltas, `response.mcp_call.in_progress`, the call on the MCP
 * server, then `.completed` or `.failed` and the item with its output or error. Null when the
 * response ended meanwhile.
 */
export async function streamMcpCall(
  host: ResponseHost,
  response: ActiveResponse,
  step: Extract<OutputStep, { kind: 'mcp_call' }>,
): Promise<{ output: string } | { error: Json } | null> {
  const item: StoredItem = {
    id: createId('mcp'),
    type: 'mcp_call',
    status: 'in_progress',
    server_label: step.serverLabel,
    name: step.name,
    arguments: '',
    approval_request_id: step.approvalRequestId,
  };
  const outputIndex = addOutputItem(host, response, item);
  const ids = { response_id: response.id, item_id: item.id, output_index: outputIndex };
  for (const delta of tokenPieces(step.arguments)) {
    if (!(await waitFor(response, host.paced(TEXT_DELTA_MS)))) return null;
    item.arguments = (item.arguments ?? '') + delta;
    host.emit({
      type: 'response.mcp_call_arguments.delta',
      ...ids,
      delta,
      ...(host.dialect === 'ga' ? { obfuscation: createObfuscation(12) } : {}),
    });
  }
  item.arguments = step.arguments;
  host.emit({ type: 'response.mcp_call_arguments.done', ...ids, arguments: step.arguments });
  host.emit({ type: 'response.mcp_call.in_progress', item_id: item.id, output_index: outputIndex });
  const result = await host.mcp.call(step.serverLabel, step.name, step.arguments);
  if (response.finished) return null;
  response.outputText += textTokens(step.name + step.arguments);
  if ('output' in result) item.output = result.output;
  else item.error = result.error;
  item.status = 'completed';
  host.emit({
    type: 'output' in result ? 'response.mcp_call.completed' : 'response.mcp_call.failed',
    item_id: item.id,
    output_index: outputIndex,
  });
  host.emit({
    type: 'response.output_item.done',
    response_id: response.id,
    output_index: outputIndex,
    item: itemToWire(item),
  });
  emitItemDone(host, response, item);
  return result;
}

/** Opens the output item of `plan` as the response's open part and announces it. */
function openOutputItem(
  host: ResponseHost,
  response: ActiveResponse,
  plan: ReplyPlan,
  modality: 'audio' | 'text',
): OpenPart {
  const item: StoredItem =
    plan.kind === 'function_call'
      ? {
          id: createId('item'),
          type: 'function_call',
          status: 'in_progress',
          name: plan.name,
          call_id: createCallId(),
          arguments: '',
        }
      : {
          id: createId('item'),
          type: 'message',
          status: 'in_progress',
          role: 'assistant',
          content: [],
        };
  const open: OpenPart = {
    item,
    outputIndex: response.output.length,
    kind: plan.kind === 'function_call' ? 'function_call' : modality,
    partOpen: false,
    sent: '',
    sentSamples: 0,
    audio: [],
  };
  response.open = open;
  addOutputItem(host, response, item);
  return open;
}

/** Streams a function call's arguments in deltas, then `.done`, and closes the item. */
async function streamFunctionCall(
  host: ResponseHost,
  response: ActiveResponse,
  open: OpenPart,
  plan: Extract<ReplyPlan, { kind: 'function_call' }>,
): Promise<OutputOutcome> {
  const { item } = open;
  const ids = { response_id: response.id, item_id: item.id, output_index: open.outputIndex };
  for (const delta of tokenPieces(plan.arguments)) {
    if (!(await waitFor(response, host.paced(TEXT_DELTA_MS)))) return 'ended';
    open.sent += delta;
    item.arguments = open.sent;
    host.emit({
      type: 'response.function_call_arguments.delta',
      ...ids,
      call_id: item.call_id,
      delta,
    });
  }
  if (!(await waitFor(response, 0))) return 'ended';
  item.arguments = plan.arguments;
  host.emit({
    type: 'response.function_call_arguments.done',
    ...ids,
    call_id: item.call_id,
    name: item.name,
    arguments: plan.arguments,
  });
  response.outputText += textTokens(plan.name + plan.arguments);
  closeItem(host, response, 'completed');
  return 'done';
}

/** Streams text deltas up to the token limit; returns whether the limit cut it, or `ended`. */
async function streamText(
  host: ResponseHost,
  response: ActiveResponse,
  open: OpenPart,
  text: string,
  maxTokens: number,
  partIds: Json,
): Promise<boolean | 'ended'> {
  for (const delta of tokenPieces(text)) {
    if (textTokens(open.sent + delta) > maxTokens) return true;
    if (!(await waitFor(response, host.paced(TEXT_DELTA_MS)))) return 'ended';
    open.sent += delta;
    host.emit({
      type: 'response.output_text.delta',
      ...partIds,
      delta,
      ...(host.dialect === 'ga' ? { obfuscation: createObfuscation(12) } : {}),
    });
  }
  return false;
}

/**
 * Streams one output item of a response and closes it: `done`, `cut` (the token limit closed it
 * incomplete) or `ended` (the response was cancelled meanwhile).
 */
export async function streamOutput(
  host: ResponseHost,
  response: ActiveResponse,
  plan: ReplyPlan,
  modality: 'audio' | 'text',
  voice: string,
): Promise<OutputOutcome> {
  const open = openOutputItem(host, response, plan, modality);
  if (plan.kind === 'function_call') return streamFunctionCall(host, response, open, plan);
  const partIds = {
    response_id: response.id,
    item_id: open.item.id,
    output_index: open.outputIndex,
    content_index: 0,
  };
  open.partOpen = true;
  host.emit({
    type: 'response.content_part.added',
    ...partIds,
    part: modality === 'audio' ? { type: 'audio', transcript: '' } : { type: 'text', text: '' },
  });
  const limit = response.object.max_output_tokens;
  const maxTokens = (typeof limit === 'number' ? limit : Infinity) - response.outputText;
  let cut: boolean;
  if (modality === 'text') {
    const streamed = await streamText(host, response, open, plan.text, maxTokens, partIds);
    if (streamed === 'ended') return 'ended';
    cut = streamed;
  } else {
    // Audio costs 20 tokens a second: a token limit is a limit on how much can be said.
    const maxSamples = Math.floor(
      ((maxTokens - textTokens(plan.text)) * 50 * OUTPUT_SAMPLE_RATE) / 1000,
    );
    const before = response.outputAudioMs;
    cut = await streamAudio(host, response, open, plan.text, voice, maxSamples, partIds, before);
    if (response.finished) return 'ended';
  }
  if (!(await waitFor(response, 0))) return 'ended';
  closeItem(host, response, cut ? 'incomplete' : 'completed');
  return cut ? 'cut' : 'done';
}
