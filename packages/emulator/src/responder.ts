import type { StoredItem } from './conversation.js';
import { sampleFromJsonSchema } from './json-schema-sample.js';
import type { FunctionToolConfig } from './session-config.js';

/** What a response will contain, decided before any event is sent. */
export type ReplyPlan =
  { kind: 'message'; text: string } | { kind: 'function_call'; name: string; arguments: string };

/** A reply a test scripted with the `emulator.reply` control message. */
export type ScriptedReply = { text: string } | { tool: string; arguments?: unknown };

/** The inputs of the reply rules. */
export interface ReplyContext {
  items: readonly StoredItem[];
  tools: ReadonlyArray<FunctionToolConfig | Record<string, unknown>>;
  toolChoice: unknown;
  scripted?: ScriptedReply;
}

/** The greeting for a response with no user input. */
export const GREETING = 'Hello! This is the Parley emulator. How can I help you today?';

function functionTools(tools: ReplyContext['tools']): FunctionToolConfig[] {
  return tools.filter(
    (tool): tool is FunctionToolConfig => tool.type === 'function' && typeof tool.name === 'string',
  );
}

/** The spoken forms of a tool name: `get_weather` → "get_weather", "get weather"; `getWeather` → "get weather". */
export function toolNameVariants(name: string): string[] {
  const spaced = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .toLowerCase()
    .trim();
  return [...new Set([name.toLowerCase(), spaced])];
}

/** The text of a user message item: typed text, or the words of its audio. */
export function userText(item: StoredItem): { text: string; supplied: boolean } | null {
  if (item.type !== 'message' || item.role !== 'user') return null;
  const texts: string[] = [];
  let supplied = true;
  for (const part of item.content ?? []) {
    if (part.type === 'input_text' && typeof part.text === 'string') texts.push(part.text);
    else if (part.type === 'input_audio') {
      if (item.spokenText !== undefined) {
        texts.push(item.spokenText);
        supplied &&= item.spokenTextSupplied === true;
      } else if (typeof part.transcript === 'string') texts.push(part.transcript);
      else {
        texts.push(`[speech ${((item.audioMs ?? 0) / 1000).toFixed(1)} s]`);
        supplied = false;
      }
    }
  }
  return texts.length > 0 ? { text: texts.join(' ').trim(), supplied } : null;
}

function describeOutput(output: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    parsed = output;
  }
  if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const entries = Object.entries(parsed).slice(0, 8);
    if (entries.length === 0) return 'nothing';
    return entries
      .map(
        ([key, value]) =>
          `${key.replace(/[_-]+/g, ' ')} is ${typeof value === 'string' ? value : JSON.stringify(value)}`,
      )
      .join(', ');
  }
  const text = typeof parsed === 'string' ? parsed : JSON.stringify(parsed);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function callTool(tool: FunctionToolConfig | undefined, name: string, args?: unknown): ReplyPlan {
  const value =
    args !== undefined
      ? args
      : sampleFromJsonSchema(tool?.parameters ?? { type: 'object', properties: {} });
  return { kind: 'function_call', name, arguments: JSON.stringify(value ?? {}) };
}

/**
 * The emulator's deterministic reply rules (documented in the README), first match wins:
 * 1. a reply scripted with `emulator.reply`;
 * 2. the last item is a `function_call_output` → a sentence that uses the output;
 * 3. `tool_choice` names a function → call it; `required` → the tool the user named, else the first tool;
 * 4. `tool_choice: "auto"` and the user's last message names a tool → call it;
 * 5. otherwise a message: "You said: …" for words the emulator knows, "I heard N.N seconds of
 *    speech." for audio it has no words for, or a greeting when there is no user message.
 * Tool arguments are generated from the tool's JSON Schema.
 */
export function planReply(context: ReplyContext): ReplyPlan {
  const tools = functionTools(context.tools);
  if (context.scripted) {
    if ('text' in context.scripted) return { kind: 'message', text: context.scripted.text };
    const name = context.scripted.tool;
    return callTool(
      tools.find((tool) => tool.name === name),
      name,
      context.scripted.arguments,
    );
  }
  const last = context.items[context.items.length - 1];
  if (last?.type === 'function_call_output') {
    const call = context.items.find(
      (item) => item.type === 'function_call' && item.call_id === last.call_id,
    );
    const name = call?.name ?? 'tool';
    return {
      kind: 'message',
      text: `The ${name.replace(/[_-]+/g, ' ')} result: ${describeOutput(last.output ?? '')}.`,
    };
  }
  let lastUser: { text: string; supplied: boolean } | null = null;
  for (let i = context.items.length - 1; i >= 0 && !lastUser; i--)
    lastUser = userText(context.items[i]!);
  const choice = context.toolChoice;
  const mentioned = lastUser
    ? tools.find((tool) =>
        toolNameVariants(tool.name).some((variant) =>
          lastUser.text.toLowerCase().includes(variant),
        ),
      )
    : undefined;
  if (
    choice !== null &&
    typeof choice === 'object' &&
    (choice as { type?: unknown }).type === 'function'
  ) {
    const name = String((choice as { name?: unknown }).name);
    return callTool(
      tools.find((tool) => tool.name === name),
      name,
    );
  }
  if (choice === 'required' && tools.length > 0) {
    const tool = mentioned ?? tools[0]!;
    return callTool(tool, tool.name);
  }
  if (choice !== 'none' && mentioned) return callTool(mentioned, mentioned.name);
  if (!lastUser) return { kind: 'message', text: GREETING };
  if (!lastUser.supplied) {
    const seconds = /^\[speech ([\d.]+) s\]$/.exec(lastUser.text)?.[1];
    if (seconds !== undefined)
      return { kind: 'message', text: `I heard ${seconds} seconds of speech.` };
  }
  return { kind: 'message', text: `You said: ${lastUser.text}` };
}
