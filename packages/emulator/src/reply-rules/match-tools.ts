/**
 * Which tools a visitor's message asks for. Each tool is scored against the message's word
 * stems: 3 per word of its name, 2 per word of a parameter name, 1 per word of its description,
 * and 2 per parameter that a typed value fills (an email, a phone number, a date, an amount, a
 * name). A tool is wanted when it scores at least 3 and either a word of its name is in the
 * message or a typed value fills one of its parameters; a tool without required parameters
 * (`end_conversation`) also when a short message (at most 6 words) shares a word with it; and a
 * question that wants nothing else goes to the first tool that searches or answers questions.
 */
import {
  fillArguments,
  parametersOf,
  type ConversationValues,
  type FilledArguments,
  type ToolParameter,
} from './fill-arguments.js';
import { stemsOf, wordsOf } from './word-stems.js';

/** A function tool as the session holds it. */
export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: unknown;
}

/** A tool the message asks for, with the arguments found for it. */
export interface WantedTool {
  tool: ToolDefinition;
  score: number;
  filled: FilledArguments;
}

const QUESTION_START =
  /^(what|what's|whats|when|where|which|who|whom|whose|why|how|do|does|did|is|are|was|were|can|could|will|would|should|may|might|have|has)\b/i;
const LOOKUP_STEMS = new Set([
  'search',
  'lookup',
  'look',
  'find',
  'question',
  'answer',
  'knowledg',
  'faq',
]);
const MIN_SCORE = 3;
const SHORT_MESSAGE_WORDS = 6;

/** True for "What are your fees?" and "do you open on Sundays". */
export function isQuestion(text: string): boolean {
  const trimmed = text.trim();
  return trimmed.endsWith('?') || QUESTION_START.test(trimmed);
}

interface ToolScore {
  tool: ToolDefinition;
  parameters: ToolParameter[];
  nameHit: boolean;
  descriptionHit: boolean;
  score: number;
}

function scoreTool(tool: ToolDefinition, messageStems: Set<string>): ToolScore {
  const parameters = parametersOf(tool.parameters);
  const nameStems = stemsOf(tool.name);
  const parameterStems = new Set(parameters.flatMap((parameter) => [...parameter.nameStems]));
  const descriptionStems = stemsOf(tool.description ?? '');
  let score = 0;
  let nameHit = false;
  let descriptionHit = false;
  for (const stem of messageStems) {
    if (nameStems.has(stem)) {
      score += 3;
      nameHit = true;
    } else if (parameterStems.has(stem)) score += 2;
    else if (descriptionStems.has(stem)) {
      score += 1;
      descriptionHit = true;
    }
  }
  return { tool, parameters, nameHit, descriptionHit, score };
}

function isLookupTool(scored: ToolScore): boolean {
  const stems = new Set([...stemsOf(scored.tool.name), ...stemsOf(scored.tool.description ?? '')]);
  return [...LOOKUP_STEMS].some((stem) => stems.has(stem));
}

/**
 * The tools the latest message asks for, best first (tools without required parameters, which
 * usually end something, last), each with its arguments from the whole conversation.
 */
export function wantedTools(
  tools: readonly ToolDefinition[],
  values: ConversationValues,
): WantedTool[] {
  const messageStems = stemsOf(values.latestText);
  const wordCount = wordsOf(values.latestText).length;
  const wanted: (WantedTool & { closing: boolean })[] = [];
  const scores = tools.map((tool) => scoreTool(tool, messageStems));
  // Typed values count as evidence only from the latest message: an email given earlier must not
  // pull the lead tool into every later turn. The arguments still come from the whole conversation.
  const latestOnly: ConversationValues = {
    messages: values.messages.slice(0, 1),
    latestText: values.latestText,
  };
  for (const scored of scores) {
    const typedCount = fillArguments(scored.parameters, latestOnly).typedCount;
    const filled = fillArguments(scored.parameters, values);
    const score = scored.score + 2 * typedCount;
    const closing = scored.parameters.every((parameter) => !parameter.required);
    const asked =
      (score >= MIN_SCORE && (scored.nameHit || typedCount > 0)) ||
      (closing && wordCount <= SHORT_MESSAGE_WORDS && (scored.nameHit || scored.descriptionHit));
    if (asked) wanted.push({ tool: scored.tool, score, filled, closing });
  }
  if (wanted.length === 0 && isQuestion(values.latestText)) {
    const lookup = scores.find(isLookupTool);
    if (lookup) {
      const filled = fillArguments(lookup.parameters, values);
      wanted.push({ tool: lookup.tool, score: lookup.score, filled, closing: false });
    }
  }
  wanted.sort(
    (left, right) => Number(left.closing) - Number(right.closing) || right.score - left.score,
  );
  return wanted.map(({ tool, score, filled }) => ({ tool, score, filled }));
}
