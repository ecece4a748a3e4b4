import type { StoredItem } from './conversation.js';
import { sampleFromJsonSchema } from './json-schema-sample.js';
import { agentProfileOf, introductionOf, sentenceToSay } from './reply-rules/agent-profile.js';
import { extractValues } from './reply-rules/extract-values.js';
import type { ConversationValues } from './reply-rules/fill-arguments.js';
import { fillArguments, parametersOf } from './reply-rules/fill-arguments.js';
import { wantedTools, type ToolDefinition, type WantedTool } from './reply-rules/match-tools.js';
import {
  askForMissing,
  offerInWords,
  resultInWords,
  speechWithoutWords,
} from './reply-rules/reply-wording.js';
import { timeReferenceOf, type TimeReference } from './reply-rules/time-reference.js';
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
  /** The session's instructions: the agent's persona and, when stated, its clock and time zone. */
  instructions?: string;
  /** Instructions given for this response only (`response.create`), e.g. the greeting to say. */
  responseInstructions?: string | undefined;
  /** The emulator's clock, used when the instructions state no date and time. */
  now?: Date;
}

/** The greeting of an agent whose instructions give it no name. */
export const GREETING = 'Hello! How can I help you today?';

const GREETING_WORDS =
  /^(hi|hello|hey|hiya|howdy|good (morning|afternoon|evening|day)|greetings)\b[\s!,.]*(there|again)?[\s!,.]*$/i;

function functionTools(tools: ReplyContext['tools']): FunctionToolConfig[] {
  return tools.filter(
    (tool): tool is FunctionToolConfig => tool.type === 'function' && typeof tool.name === 'string',
  );
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

/** A user message with its position in the conversation. */
interface UserTurn {
  index: number;
  text: string;
  supplied: boolean;
}

function userTurns(items: readonly StoredItem[]): UserTurn[] {
  const turns: UserTurn[] = [];
  items.forEach((item, index) => {
    const said = userText(item);
    if (said) turns.push({ index, ...said });
  });
  return turns;
}

/** The values of the typed user turns up to `turn` (the latest first). */
function valuesUpTo(
  turns: readonly UserTurn[],
  upTo: number,
  clock: TimeReference,
): ConversationValues {
  const typed = turns.slice(0, upTo + 1).filter((turn) => turn.supplied);
  return {
    messages: typed.reverse().map((turn) => extractValues(turn.text, clock)),
    latestText: turns[upTo]?.text ?? '',
  };
}

function callPlan(tool: ToolDefinition, args: Record<string, unknown>): ReplyPlan {
  return { kind: 'function_call', name: tool.name, arguments: JSON.stringify(args) };
}

/** A forced call: schema samples (as before), overridden by the arguments the conversation gives. */
function forcedCall(
  tool: FunctionToolConfig | undefined,
  name: string,
  values: ConversationValues,
): ReplyPlan {
  const schema = tool?.parameters ?? { type: 'object', properties: {} };
  const sample = sampleFromJsonSchema(schema);
  const filled = fillArguments(parametersOf(schema), values);
  const base =
    sample !== null && typeof sample === 'object' && !Array.isArray(sample) ? sample : {};
  return callPlan(tool ?? { name }, { ...base, ...filled.args });
}

/**
 * What the latest typed turn (or, when it asks for nothing, the turn before it) wants, and the
 * tools already called since that turn.
 */
function pendingWork(
  items: readonly StoredItem[],
  turns: UserTurn[],
  tools: ToolDefinition[],
  clock: TimeReference,
) {
  for (let back = 0; back < Math.min(2, turns.length); back++) {
    const position = turns.length - 1 - back;
    const turn = turns[position]!;
    if (!turn.supplied) return null;
    const called = new Set(
      items
        .slice(turn.index + 1)
        .filter((item) => item.type === 'function_call')
        .map((item) => item.name),
    );
    const values = valuesUpTo(turns, position, clock);
    // The turn before counts only for what it asked and did not get: the values of the latest turn
    // complete it ("dana@example.com" after "To go ahead… I need your email").
    const latestValues = back === 0 ? values : valuesUpTo(turns, turns.length - 1, clock);
    const wanted = wantedTools(tools, { ...latestValues, latestText: turn.text }).filter(
      (entry) => back === 0 || !called.has(entry.tool.name),
    );
    if (wanted.length > 0) return { wanted, called, turn, values };
  }
  return null;
}

/** The results of the calls since the latest user turn, in words. */
function resultsSince(
  items: readonly StoredItem[],
  since: number,
  tools: readonly ToolDefinition[],
  timeZone: string,
): string[] {
  const sentences: string[] = [];
  for (const item of items.slice(since + 1)) {
    if (item.type !== 'function_call_output') continue;
    const call = items.find(
      (entry) => entry.type === 'function_call' && entry.call_id === item.call_id,
    );
    const name = call?.name ?? 'tool';
    const tool = tools.find((entry) => entry.name === name) ?? { name };
    sentences.push(resultInWords(tool, item.output ?? '', timeZone));
  }
  return sentences;
}

function asked(wanted: WantedTool[], called: Set<string | undefined>): string | undefined {
  const waiting = wanted.find(
    (entry) => entry.filled.missing.length > 0 && !called.has(entry.tool.name),
  );
  return waiting ? askForMissing(waiting.tool, waiting.filled.missing) : undefined;
}

/**
 * The emulator's deterministic reply rules (documented in the README), first match wins:
 * 1. a reply scripted with `emulator.reply`;
 * 2. response instructions that ask to say a sentence exactly (the agent's greeting) → that sentence;
 * 3. unless the last item is a tool output: a `tool_choice` naming a function → call it;
 *    `required` → the tool the message asks for, else the first tool;
 * 4. unless `tool_choice` is `none`: the next tool the latest typed message asks for (see
 *    `reply-rules/match-tools.ts`) that has all its required arguments and was not called since;
 * 5. after tool outputs: their results in words, and what a wanted tool still needs;
 * 6. no user message → a greeting with the persona the instructions give ("You are Cap, …");
 * 7. speech the emulator has no words for → says so and suggests typing;
 * 8. a tool asked for without all its required arguments → ask for them;
 * 9. otherwise a greeting back or an offer of what the tools do.
 * Arguments come from the values typed in the conversation (`reply-rules/fill-arguments.ts`).
 */
export function planReply(context: ReplyContext): ReplyPlan {
  const tools = functionTools(context.tools);
  if (context.scripted) {
    if ('text' in context.scripted) return { kind: 'message', text: context.scripted.text };
    const name = context.scripted.tool;
    const tool = tools.find((entry) => entry.name === name);
    if (context.scripted.arguments !== undefined)
      return { kind: 'function_call', name, arguments: JSON.stringify(context.scripted.arguments) };
    return callPlan(
      tool ?? { name },
      (sampleFromJsonSchema(tool?.parameters ?? {}) ?? {}) as Record<string, unknown>,
    );
  }
  const exact = context.responseInstructions
    ? sentenceToSay(context.responseInstructions)
    : undefined;
  if (exact) return { kind: 'message', text: exact };
  const instructions = context.instructions ?? '';
  const clock = timeReferenceOf(instructions, context.now ?? new Date());
  const turns = userTurns(context.items);
  const latest = turns.at(-1);
  const last = context.items.at(-1);
  const afterOutput = last?.type === 'function_call_output';
  const choice = context.toolChoice;
  const pending = pendingWork(context.items, turns, tools, clock);
  if (
    !afterOutput &&
    choice !== null &&
    typeof choice === 'object' &&
    (choice as { type?: unknown }).type === 'function'
  ) {
    const name = String((choice as { name?: unknown }).name);
    return forcedCall(
      tools.find((tool) => tool.name === name),
      name,
      pending?.values ?? valuesUpTo(turns, turns.length - 1, clock),
    );
  }
  if (!afterOutput && choice === 'required' && tools.length > 0) {
    const tool = pending?.wanted[0]?.tool ?? tools[0]!;
    return forcedCall(
      tool as FunctionToolConfig,
      tool.name,
      pending?.values ?? valuesUpTo(turns, turns.length - 1, clock),
    );
  }
  if (choice !== 'none' && pending) {
    const next = pending.wanted.find(
      (entry) => entry.filled.missing.length === 0 && !pending.called.has(entry.tool.name),
    );
    if (next) return callPlan(next.tool, next.filled.args);
  }
  if (afterOutput) {
    const since = latest?.index ?? -1;
    const results = resultsSince(context.items, since, tools, clock.timeZone);
    const still = pending ? asked(pending.wanted, pending.called) : undefined;
    return { kind: 'message', text: [...results, still].filter(Boolean).join(' ') };
  }
  const introduction = introductionOf(agentProfileOf(instructions));
  if (!latest)
    return {
      kind: 'message',
      text: introduction ? `Hello! ${introduction} How can I help you today?` : GREETING,
    };
  if (!latest.supplied) {
    const seconds = /^\[speech ([\d.]+) s\]$/.exec(latest.text)?.[1] ?? '0.0';
    return { kind: 'message', text: speechWithoutWords(seconds) };
  }
  const request = pending && choice !== 'none' ? asked(pending.wanted, pending.called) : undefined;
  if (request) return { kind: 'message', text: request };
  const offer = offerInWords(
    tools.filter((tool) => parametersOf(tool.parameters).some((parameter) => parameter.required)),
  );
  if (GREETING_WORDS.test(latest.text.trim())) {
    return {
      kind: 'message',
      text: ['Hello!', introduction, offer || 'How can I help you today?']
        .filter(Boolean)
        .join(' '),
    };
  }
  return {
    kind: 'message',
    text: `I'm not sure how to help with "${latest.text}". ${offer || 'Could you put that another way?'}`,
  };
}
