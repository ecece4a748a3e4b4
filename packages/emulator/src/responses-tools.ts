/**
 * Tools in the emulated `POST /v1/responses`: the same deterministic rules as the Realtime
 * emulator (`responder.ts`) applied to a Responses request's `input` items. The latest user
 * message that names a function tool gets a `function_call` (arguments from the words); once the
 * request carries that call's `function_call_output`, a text that reports the result. A request
 * to search the web, when the hosted `web_search` tool is offered, gets a `web_search_call` and a
 * text naming the query. What a Parley server needs to run an agent's tools through a Responses
 * backend of its own (GPT-Live client delegation), offline.
 */
import type { StoredItem } from './conversation.js';
import { planReply } from './responder.js';
import { searchResultUrl, webSearchAnswer, webSearchQuery } from './live/live-backend.js';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The text parts of a message's content (a string, or parts with `text`). */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) => (isObject(part) && typeof part.text === 'string' ? part.text : ''))
    .join(' ')
    .trim();
}

/** A request's `input` as the conversation items the reply rules read. */
export function inputItems(input: unknown): StoredItem[] {
  if (typeof input === 'string')
    return [
      {
        id: 'in_0',
        type: 'message',
        role: 'user',
        status: 'completed',
        content: [{ type: 'input_text', text: input }],
      },
    ];
  if (!Array.isArray(input)) return [];
  const items: StoredItem[] = [];
  input.forEach((entry, index) => {
    if (!isObject(entry)) return;
    const id = `in_${index}`;
    if (entry.type === 'function_call' && typeof entry.call_id === 'string')
      items.push({
        id,
        type: 'function_call',
        status: 'completed',
        call_id: entry.call_id,
        name: String(entry.name),
        arguments: typeof entry.arguments === 'string' ? entry.arguments : '{}',
      });
    else if (entry.type === 'function_call_output' && typeof entry.call_id === 'string')
      items.push({
        id,
        type: 'function_call_output',
        status: 'completed',
        call_id: entry.call_id,
        output: typeof entry.output === 'string' ? entry.output : JSON.stringify(entry.output),
      });
    else if (
      (entry.type === undefined || entry.type === 'message') &&
      (entry.role === 'user' || entry.role === 'assistant')
    )
      items.push({
        id,
        type: 'message',
        role: entry.role,
        status: 'completed',
        content: [
          {
            type: entry.role === 'user' ? 'input_text' : 'output_text',
            text: textOf(entry.content),
          },
        ],
      });
  });
  return items;
}

/** The words of the latest user message, when nothing (no call, no output) followed it. */
function latestUserWords(items: readonly StoredItem[]): string | null {
  const last = items[items.length - 1];
  if (last?.type !== 'message' || last.role !== 'user') return null;
  const text = last.content?.[0]?.text;
  return typeof text === 'string' ? text : null;
}

/**
 * The output items of a request with a `tools` list (function or hosted tools, or none), or null
 * without one (the caller then answers as before). `ids` makes the items' ids from the request's hash.
 */
export function toolOutput(
  body: Json,
  ids: (prefix: string) => string,
): { output: Json[]; text: string } | null {
  // A request with a `tools` list (even empty) is a backend turn; one without is a plain prompt.
  if (!Array.isArray(body.tools)) return null;
  const tools = body.tools.filter(isObject);
  const items = inputItems(body.input);
  const words = latestUserWords(items);
  const query = words === null ? null : webSearchQuery(words, tools);
  if (query !== null) {
    const text = webSearchAnswer(query);
    const url = searchResultUrl(query);
    const citation = { type: 'url_citation', start_index: 0, end_index: text.length, url };
    return {
      text,
      output: [
        {
          type: 'web_search_call',
          id: ids('ws'),
          status: 'completed',
          action: { type: 'search', query, sources: [{ type: 'url', url }] },
        },
        message(ids('msg'), text, [citation]),
      ],
    };
  }
  const plan = planReply({
    items,
    tools,
    toolChoice: body.tool_choice ?? 'auto',
    instructions: typeof body.instructions === 'string' ? body.instructions : '',
  });
  if (plan.kind === 'function_call')
    return {
      text: '',
      output: [
        {
          type: 'function_call',
          id: ids('fc'),
          call_id: ids('call'),
          name: plan.name,
          arguments: plan.arguments,
          status: 'completed',
        },
      ],
    };
  return { text: plan.text, output: [message(ids('msg'), plan.text, [])] };
}

function message(id: string, text: string, annotations: Json[]): Json {
  return {
    type: 'message',
    id,
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text, annotations }],
  };
}
