/**
 * The sentences the reply rules say: asking for what a tool still needs, telling a tool's result
 * (or its error) in words, what the agent can do, and the honest answer to speech the emulator
 * cannot understand. Plain sentences that read well aloud.
 */
import type { ToolParameter } from './fill-arguments.js';
import { describeInZone } from './time-reference.js';
import type { ToolDefinition } from './match-tools.js';

/** `analyze_property_deal` → "analyze property deal". */
export function humanName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .toLowerCase()
    .trim();
}

/** "a, b and c". */
export function listInWords(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1)!}`;
}

function parameterInWords(parameter: ToolParameter): string {
  switch (parameter.kind) {
    case 'person':
      return 'your name';
    case 'email':
      return 'your email address';
    case 'phone':
      return 'your phone number';
    case 'contact':
      return 'a phone number or email';
    case 'place':
      return `the ${humanName(parameter.name)}`;
    case 'datetime':
      return 'a day and time';
    case 'date':
      return 'a day';
    case 'time':
      return 'a time';
    default: {
      const description =
        typeof parameter.schema.description === 'string' ? parameter.schema.description : '';
      const clause = description.split(/[,.;(]/)[0]!.trim();
      if (parameter.kind === 'text' && clause.length > 0 && clause.length <= 60)
        return clause[0]!.toLowerCase() + clause.slice(1);
      return `the ${humanName(parameter.name)}`;
    }
  }
}

/** "To go ahead with schedule call, I need your name and a day and time." */
export function askForMissing(tool: ToolDefinition, missing: readonly ToolParameter[]): string {
  return `To go ahead with ${humanName(tool.name)}, I need ${listInWords(missing.map(parameterInWords))}.`;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const IDENTIFIER_KEY = /(^id$|Id$|_id$)/;

function valueInWords(value: unknown, timeZone: string): string {
  if (typeof value === 'number') return value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (value === null || value === undefined) return 'not available';
  if (typeof value === 'string') {
    if (ISO_DATE_TIME.test(value)) return describeInZone(new Date(value), timeZone);
    return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  }
  const text = JSON.stringify(value);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function resultsInWords(results: unknown[], timeZone: string): string {
  const first = results[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    const entry = first as Record<string, unknown>;
    const title = typeof entry.title === 'string' ? entry.title : undefined;
    const text = ['passage', 'snippet', 'text', 'content', 'answer', 'summary']
      .map((key) => entry[key])
      .find((value): value is string => typeof value === 'string');
    if (text) return title ? `From "${title}": ${text}` : text;
  }
  return valueInWords(first, timeZone);
}

/** What a tool that ends the conversation leaves the agent to say. */
export const FAREWELL = 'Thanks for talking with me. Goodbye!';

/**
 * One tool's output in a sentence: its facts, or what went wrong; a goodbye after a tool whose
 * description says it ends the conversation after a goodbye (`end_conversation`).
 */
export function resultInWords(tool: ToolDefinition, output: string, timeZone: string): string {
  const name = tool.name;
  let parsed: unknown;
  try {
    parsed = JSON.parse(output);
  } catch {
    parsed = output;
  }
  const human = humanName(name);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return `${human[0]!.toUpperCase()}${human.slice(1)}: ${valueInWords(parsed, timeZone)}.`;
  }
  const record = parsed as Record<string, unknown>;
  if (record.error !== undefined) {
    const error = record.error as { message?: unknown; issues?: unknown };
    const message =
      typeof error.message === 'string' ? error.message : valueInWords(error, timeZone);
    const issues = Array.isArray(error.issues)
      ? (error.issues as { path?: unknown; message?: unknown }[])
          .map(
            (issue) =>
              `${valueInWords(issue.path, timeZone)}: ${valueInWords(issue.message, timeZone)}`,
          )
          .join('; ')
      : '';
    return `Sorry, ${human} did not work: ${message}${issues ? ` (${issues})` : ''}.`;
  }
  if (/\bgoodbye\b/i.test(tool.description ?? '')) return FAREWELL;
  if (Array.isArray(record.results)) {
    if (record.results.length > 0) return `${resultsInWords(record.results, timeZone)}`;
    if (typeof record.note === 'string') return record.note;
  }
  const facts = Object.entries(record)
    .filter(([key]) => !IDENTIFIER_KEY.test(key))
    .slice(0, 10)
    .map(([key, value]) => `${humanName(key)} is ${valueInWords(value, timeZone)}`);
  const title = `${human[0]!.toUpperCase()}${human.slice(1)}`;
  return facts.length > 0 ? `${title}: ${facts.join(', ')}.` : `${title}: done.`;
}

/** What the agent can do, from its tools' descriptions: "I can search …, or book a call …". */
export function offerInWords(tools: readonly ToolDefinition[]): string {
  const abilities: string[] = [];
  for (const tool of tools) {
    const description = (tool.description ?? '').replace(/\([^)]*\)/g, '');
    const clause = description.split(/[.:;]/)[0]!.trim();
    if (clause.length === 0) continue;
    abilities.push(
      (clause[0]!.toLowerCase() + clause.slice(1))
        .replace(/\bthe (visitor|caller|user|customer)'s\b/gi, 'your')
        .replace(/\bthe (visitor|caller|user|customer)\b/gi, 'you')
        .replace(/\s+/g, ' '),
    );
  }
  if (abilities.length === 0) return '';
  const last = abilities.pop()!;
  return `I can ${abilities.length > 0 ? `${abilities.join(', ')}, or ${last}` : last}.`;
}

/** The answer to speech: there are no words to act on offline, and typing works. */
export function speechWithoutWords(seconds: string): string {
  return `I heard ${seconds} seconds of speech, but I can't make out spoken words here: this offline demo has no speech recognizer. Please type your message instead.`;
}
