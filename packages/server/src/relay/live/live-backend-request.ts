/**
 * Parley's own Responses backend for a GPT-Live client delegation: one `POST /v1/responses` with
 * the upstream key, the agent's server tools as function tools (and its hosted tools), and the
 * role-labelled conversation as `input`; every function call it makes is run and its output sent
 * back in the next request, until it answers in text (at most `maxRounds` requests).
 */

type Json = Record<string, unknown>;

/** One function call of the backend. */
export interface BackendCall {
  callId: string;
  name: string;
  arguments: string;
}

/** What one backend run needs. */
export interface BackendRun {
  url: string;
  headers: Record<string, string>;
  /** The request without `input` (model, instructions, tools, …). */
  body: Json;
  input: Json[];
  /** Runs a call; resolves with its output (an error is an output, never a throw). */
  runCall(call: BackendCall): Promise<string>;
  /** Each output item other than messages and function calls (a hosted tool's item). */
  onItem(item: Json): void;
  signal: AbortSignal;
  requestTimeoutMs: number;
  maxRounds: number;
  fetch?: typeof fetch;
}

/** The backend did not answer: the reason is said to the visitor honestly. */
export class BackendError extends Error {}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The text of a Responses answer's `message` items. */
function outputText(output: Json[]): string {
  const texts: string[] = [];
  for (const item of output) {
    if (item.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const part of item.content)
      if (isObject(part) && part.type === 'output_text' && typeof part.text === 'string')
        texts.push(part.text);
  }
  return texts.join('\n').trim();
}

async function request(run: BackendRun, input: Json[]): Promise<Json[]> {
  let response: Response;
  try {
    response = await (run.fetch ?? fetch)(run.url, {
      method: 'POST',
      headers: { ...run.headers, 'content-type': 'application/json' },
      body: JSON.stringify({ ...run.body, input }),
      signal: AbortSignal.any([run.signal, AbortSignal.timeout(run.requestTimeoutMs)]),
    });
  } catch (error) {
    if (run.signal.aborted) throw error;
    const timedOut = error instanceof Error && error.name === 'TimeoutError';
    throw new BackendError(
      timedOut
        ? `the backend model did not answer within ${Math.round(run.requestTimeoutMs / 1000)} s`
        : 'the backend model could not be reached',
    );
  }
  const answer = (await response.json().catch(() => null)) as Json | null;
  if (!response.ok || !answer || !Array.isArray(answer.output)) {
    const error = isObject(answer?.error) ? answer.error : {};
    const detail = typeof error.message === 'string' ? `: ${error.message.slice(0, 200)}` : '';
    throw new BackendError(`the backend model failed (HTTP ${response.status}${detail})`);
  }
  return answer.output.filter(isObject);
}

/** Runs the backend (see the module comment); resolves with its text answer. */
export async function runBackend(run: BackendRun): Promise<string> {
  const input = [...run.input];
  for (let round = 0; round < run.maxRounds; round++) {
    const output = await request(run, input);
    const calls: BackendCall[] = [];
    for (const item of output) {
      if (item.type === 'message') continue;
      if (item.type !== 'function_call') run.onItem(item);
      else if (typeof item.call_id === 'string')
        calls.push({
          callId: item.call_id,
          name: String(item.name),
          arguments: typeof item.arguments === 'string' ? item.arguments : '{}',
        });
    }
    if (calls.length === 0) return outputText(output);
    for (const call of calls) {
      run.signal.throwIfAborted();
      const result = await run.runCall(call);
      input.push(
        { type: 'function_call', call_id: call.callId, name: call.name, arguments: call.arguments },
        { type: 'function_call_output', call_id: call.callId, output: result },
      );
    }
  }
  throw new BackendError(`the backend model was still calling tools after ${run.maxRounds} rounds`);
}

/** Longest content of one append: about 350 tokens, under Live's 500-token limit (§10). */
export const APPEND_MAX_CHARS = 1400;
/** At most this many commentary appends per delegation. */
const MAX_APPENDS = 3;
const CUT_NOTE = ' (The answer was longer; the rest was left out.)';

/** `text` cut to at most `max` characters at a word boundary, with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * The commentary appends that carry `text`: sentences packed into appends of at most
 * {@link APPEND_MAX_CHARS}, at most three; a longer answer is cut and says so.
 */
export function commentaryChunks(text: string): string[] {
  const sentences = text.trim().split(/(?<=[.!?])\s+/);
  const chunks: string[] = [];
  let current = '';
  for (const sentence of sentences) {
    const joined = current ? `${current} ${sentence}` : sentence;
    if (joined.length <= APPEND_MAX_CHARS) {
      current = joined;
      continue;
    }
    if (current) chunks.push(current);
    current = clip(sentence, APPEND_MAX_CHARS);
  }
  if (current) chunks.push(current);
  if (chunks.length <= MAX_APPENDS) return chunks;
  const kept = chunks.slice(0, MAX_APPENDS);
  kept[MAX_APPENDS - 1] =
    `${clip(kept[MAX_APPENDS - 1]!, APPEND_MAX_CHARS - CUT_NOTE.length)}${CUT_NOTE}`;
  return kept;
}
