import { textTokens } from '../usage.js';
import { createResponsesCallId, createResponsesId } from './live-ids.js';

type Json = Record<string, unknown>;

/** What one backend response does: call a function, or answer in text. */
export type BackendPlan =
  { kind: 'function_call'; name: string; arguments: string } | { kind: 'message'; text: string };

/** A backend response's nested events, and what the session must remember of it. */
export interface BackendResponse {
  responseId: string;
  events: Json[];
  call?: { callId: string; name: string; arguments: string };
  text?: string;
}

/** Splits text into a few deltas (whole words), as a streamed answer arrives. */
function deltasOf(text: string, size: number): string[] {
  const words = text.match(/\s*\S+/g) ?? [text];
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out;
}

/**
 * The nested Responses stream of one emulated backend response, in the order the reference
 * records (§6.4): `response.created` and `response.in_progress` (trimmed snapshots: `output: []`,
 * `tools: []`, `instructions: null`, no `input`), then a function call (`output_item.added` with
 * empty arguments → `function_call_arguments.delta` × n → `.done` → `output_item.done` completed)
 * or a message (`output_item.added` → `content_part.added` → `output_text.delta` × n →
 * `output_text.done` → `content_part.done` → `output_item.done`), then `response.completed` with
 * `usage`. Each event has its own `sequence_number`, from 0.
 */
export function backendResponse(
  plan: BackendPlan,
  model: string,
  inputTokens: number,
): BackendResponse {
  const responseId = createResponsesId('resp');
  const createdAt = Math.floor(Date.now() / 1000);
  let sequence = 0;
  const events: Json[] = [];
  const push = (event: Json) => events.push({ ...event, sequence_number: sequence++ });
  const snapshot = (status: string, usage: Json | null): Json => ({
    id: responseId,
    object: 'response',
    created_at: createdAt,
    status,
    model,
    output: [],
    tools: [],
    instructions: null,
    usage,
  });
  push({ type: 'response.created', response: snapshot('in_progress', null) });
  push({ type: 'response.in_progress', response: snapshot('in_progress', null) });
  const result: BackendResponse = { responseId, events };
  let outputTokens: number;
  if (plan.kind === 'function_call') {
    const itemId = createResponsesId('fc');
    const callId = createResponsesCallId();
    const item = {
      id: itemId,
      type: 'function_call',
      status: 'in_progress',
      arguments: '',
      call_id: callId,
      name: plan.name,
    };
    push({ type: 'response.output_item.added', item, output_index: 0 });
    for (const delta of deltasOf(plan.arguments, 4))
      push({
        type: 'response.function_call_arguments.delta',
        delta,
        item_id: itemId,
        output_index: 0,
      });
    push({
      type: 'response.function_call_arguments.done',
      arguments: plan.arguments,
      item_id: itemId,
      output_index: 0,
    });
    push({
      type: 'response.output_item.done',
      item: { ...item, status: 'completed', arguments: plan.arguments },
      output_index: 0,
    });
    result.call = { callId, name: plan.name, arguments: plan.arguments };
    outputTokens = textTokens(plan.arguments) + 8;
  } else {
    const itemId = createResponsesId('msg');
    const item = {
      id: itemId,
      type: 'message',
      status: 'in_progress',
      role: 'assistant',
      content: [],
    };
    const part = { type: 'output_text', text: '', annotations: [] };
    push({ type: 'response.output_item.added', item, output_index: 0 });
    push({
      type: 'response.content_part.added',
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part,
    });
    for (const delta of deltasOf(plan.text, 3))
      push({
        type: 'response.output_text.delta',
        delta,
        item_id: itemId,
        output_index: 0,
        content_index: 0,
        logprobs: [],
      });
    push({
      type: 'response.output_text.done',
      text: plan.text,
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      logprobs: [],
    });
    const donePart = { ...part, text: plan.text };
    push({
      type: 'response.content_part.done',
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: donePart,
    });
    push({
      type: 'response.output_item.done',
      item: { ...item, status: 'completed', content: [donePart] },
      output_index: 0,
    });
    result.text = plan.text;
    outputTokens = textTokens(plan.text);
  }
  push({
    type: 'response.completed',
    response: snapshot('completed', {
      input_tokens: inputTokens,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: outputTokens,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: inputTokens + outputTokens,
    }),
  });
  return result;
}
