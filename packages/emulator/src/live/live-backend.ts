import { textTokens } from '../usage.js';
import { createResponsesCallId, createResponsesId } from './live-ids.js';

type Json = Record<string, unknown>;

/** What one backend response does: call a function, or answer in text. */
export type BackendPlan =
  | { kind: 'function_call'; name: string; arguments: string }
  | { kind: 'message'; text: string }
  | { kind: 'web_search'; query: string; text: string };

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

type Push = (event: Json) => void;

/** A function call: `output_item.added` (empty arguments) → `arguments.delta` × n → `.done` → `output_item.done`. */
function pushFunctionCall(push: Push, name: string, args: string): BackendResponse['call'] {
  const itemId = createResponsesId('fc');
  const callId = createResponsesCallId();
  const item = {
    id: itemId,
    type: 'function_call',
    status: 'in_progress',
    arguments: '',
    call_id: callId,
    name,
  };
  push({ type: 'response.output_item.added', item, output_index: 0 });
  for (const delta of deltasOf(args, 4))
    push({
      type: 'response.function_call_arguments.delta',
      delta,
      item_id: itemId,
      output_index: 0,
    });
  push({
    type: 'response.function_call_arguments.done',
    arguments: args,
    item_id: itemId,
    output_index: 0,
  });
  push({
    type: 'response.output_item.done',
    item: { ...item, status: 'completed', arguments: args },
    output_index: 0,
  });
  return { callId, name, arguments: args };
}

/** A message: `output_item.added` → `content_part.added` → `output_text.delta` × n → `.done` → `content_part.done` → `output_item.done`. */
function pushMessage(push: Push, text: string, outputIndex: number, annotations: Json[]): void {
  const itemId = createResponsesId('msg');
  const item = {
    id: itemId,
    type: 'message',
    status: 'in_progress',
    role: 'assistant',
    content: [],
  };
  const at = { item_id: itemId, output_index: outputIndex, content_index: 0 };
  const part = { type: 'output_text', text: '', annotations: [] };
  push({ type: 'response.output_item.added', item, output_index: outputIndex });
  push({ type: 'response.content_part.added', ...at, part });
  for (const delta of deltasOf(text, 3))
    push({ type: 'response.output_text.delta', delta, ...at, logprobs: [] });
  push({ type: 'response.output_text.done', text, ...at, logprobs: [] });
  const donePart = { ...part, text, annotations };
  push({ type: 'response.content_part.done', ...at, part: donePart });
  push({
    type: 'response.output_item.done',
    item: { ...item, status: 'completed', content: [donePart] },
    output_index: outputIndex,
  });
}

/** The page an emulated search "finds" for a query (a reserved, never-resolving host). */
export function searchResultUrl(query: string): string {
  return `https://search.emulator.invalid/results?q=${encodeURIComponent(query)}`;
}

/**
 * A hosted web search, run by the backend itself (reference §6.4: its nested events pass through,
 * nothing comes back to the client): the `web_search_call` item (`output_item.added`), then
 * `response.web_search_call.in_progress` → `.searching` → `.completed`, then the completed item
 * with its `search` action and source, at `output_index` 0.
 */
function pushWebSearch(push: Push, query: string): void {
  const itemId = createResponsesId('ws');
  const at = { item_id: itemId, output_index: 0 };
  const item = { id: itemId, type: 'web_search_call', status: 'in_progress' };
  push({
    type: 'response.output_item.added',
    item: { ...item, action: { type: 'search', query } },
    output_index: 0,
  });
  push({ type: 'response.web_search_call.in_progress', ...at });
  push({ type: 'response.web_search_call.searching', ...at });
  push({ type: 'response.web_search_call.completed', ...at });
  push({
    type: 'response.output_item.done',
    item: {
      ...item,
      status: 'completed',
      action: { type: 'search', query, sources: [{ type: 'url', url: searchResultUrl(query) }] },
    },
    output_index: 0,
  });
}

/**
 * The nested Responses stream of one emulated backend response, in the order the reference
 * records (§6.4): `response.created` and `response.in_progress` (trimmed snapshots: `output: []`,
 * `tools: []`, `instructions: null`, no `input`), then a function call, a message, or a hosted web
 * search followed by the message that reports it (with a `url_citation`), then
 * `response.completed` with `usage`. Each event has its own `sequence_number`, from 0.
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
  const push: Push = (event) => events.push({ ...event, sequence_number: sequence++ });
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
    result.call = pushFunctionCall(push, plan.name, plan.arguments);
    outputTokens = textTokens(plan.arguments) + 8;
  } else if (plan.kind === 'web_search') {
    pushWebSearch(push, plan.query);
    const url = searchResultUrl(plan.query);
    const citation = {
      type: 'url_citation',
      start_index: 0,
      end_index: plan.text.length,
      url,
      title: `Results for ${plan.query}`,
    };
    pushMessage(push, plan.text, 1, [citation]);
    result.text = plan.text;
    outputTokens = textTokens(plan.text) + 8;
  } else {
    pushMessage(push, plan.text, 0, []);
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

/** Words asking to search the web: `search (the web|online) for X`, `look X up online`, `latest news about X`. */
const SEARCH_PATTERNS: ReadonlyArray<[RegExp, (match: RegExpMatchArray) => string]> = [
  [/\bsearch (?:the web |the internet |online )?for (.+)$/i, (m) => m[1]!],
  [/\b(?:google|look up online|search online) (.+)$/i, (m) => m[1]!],
  [/\blook up (.+?) online$/i, (m) => m[1]!],
  [/\b(?:latest|recent) news (?:about|on) (.+)$/i, (m) => `${m[1]!} news`],
];

/**
 * The query of a request to search the web, when the words make one and the backend has the
 * hosted `web_search` tool; otherwise null.
 */
export function webSearchQuery(words: string, tools: readonly Json[]): string | null {
  if (!tools.some((tool) => tool.type === 'web_search')) return null;
  const sentence = words.trim().replace(/[\s.?!]+$/, '');
  for (const [pattern, query] of SEARCH_PATTERNS) {
    const match = sentence.match(pattern);
    if (match)
      return (
        query(match)
          .replace(/\s+please$/i, '')
          .trim() || null
      );
  }
  return null;
}

/** What the emulated search reports: deterministic, and naming the query. */
export function webSearchAnswer(query: string): string {
  return `I searched the web for ${query}. The top result is an emulated page about ${query}.`;
}
