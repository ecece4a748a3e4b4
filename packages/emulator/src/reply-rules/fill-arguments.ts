/**
 * Fills a tool's arguments from what the visitor typed, parameter by parameter, reading each
 * parameter's name, description, type and format: an `email` gets the email address, a `phone`
 * the phone number, a `contact` either, a `name` the person's name, a date-time the date read in
 * the agent's time zone, numbers the amounts whose surrounding words match the parameter ("priced
 * 400 thousand" → `purchasePrice`, "3000 a month" → `monthlyRent`), free text (`query`, `notes`,
 * `reason`…) the visitor's last message. Nothing is invented: a required parameter nothing fills
 * is reported missing so the agent asks for it.
 */
import type { TypedAmount, TypedValues } from './extract-values.js';
import { stemsOf, wordsOf } from './word-stems.js';

type Schema = Record<string, unknown>;

/** How a parameter is filled. */
export type ParameterKind =
  | 'email'
  | 'phone'
  | 'contact'
  | 'person'
  | 'place'
  | 'datetime'
  | 'date'
  | 'time'
  | 'number'
  | 'enum'
  | 'text'
  | 'other';

/** One parameter of a tool, as the rules see it. */
export interface ToolParameter {
  name: string;
  kind: ParameterKind;
  required: boolean;
  schema: Schema;
  /** Stems of the parameter's name words. */
  nameStems: Set<string>;
  /** Stems of its description. */
  descriptionStems: Set<string>;
}

/** The arguments found for a tool. */
export interface FilledArguments {
  args: Record<string, unknown>;
  /** Required parameters nothing filled. */
  missing: ToolParameter[];
  /** How many parameters got a typed value (not free text). */
  typedCount: number;
}

/** What the conversation supplied, latest message first. */
export interface ConversationValues {
  /** Values of each user message, the latest first. */
  messages: TypedValues[];
  /** The latest user message's words. */
  latestText: string;
}

const TEXT_WORDS = new Set(
  'query notes note reason message summary topic question description details detail request text search problem issue comment comments subject'.split(
    ' ',
  ),
);
const NOT_A_PERSON = new Set(
  'file tool company business product agent street city domain user event'.split(' '),
);
const isSchema = (value: unknown): value is Schema =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

function kindOf(name: string, schema: Schema): ParameterKind {
  const words = wordsOf(name);
  const description = typeof schema.description === 'string' ? schema.description : '';
  const has = (...candidates: string[]) => candidates.some((word) => words.includes(word));
  if (Array.isArray(schema.enum)) return 'enum';
  const type: unknown = Array.isArray(schema.type)
    ? (schema.type as unknown[]).find((entry) => entry !== 'null')
    : schema.type;
  if (type === 'number' || type === 'integer') return 'number';
  if (type !== 'string') return 'other';
  const format = schema.format;
  if (format === 'email' || has('email', 'mail')) return 'email';
  if (format === 'date-time' || /ISO 8601 date-time/i.test(description)) return 'datetime';
  if (format === 'date') return 'date';
  if (format === 'time') return 'time';
  if (has('phone', 'tel', 'telephone', 'mobile', 'cell')) return 'phone';
  if (has('contact')) return 'contact';
  if (has('city', 'town', 'place', 'location', 'country', 'destination')) return 'place';
  if (words.at(-1) === 'name' && !words.some((word) => NOT_A_PERSON.has(word))) return 'person';
  if (has('when', 'datetime') || (has('time', 'starts', 'start', 'at') && !has('zone')))
    return 'datetime';
  if (words.some((word) => TEXT_WORDS.has(word))) return 'text';
  return 'other';
}

/** The top-level parameters of a tool's JSON Schema. */
export function parametersOf(schema: unknown): ToolParameter[] {
  if (!isSchema(schema) || !isSchema(schema.properties)) return [];
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  return Object.entries(schema.properties).map(([name, raw]) => {
    const property = isSchema(raw) ? raw : {};
    return {
      name,
      kind: kindOf(name, property),
      // A parameter with a default is optional whatever `required` says (zod lists defaulted
      // fields as required in the JSON Schema it writes).
      required: required.has(name) && !('default' in property),
      schema: property,
      nameStems: stemsOf(name),
      descriptionStems: stemsOf(
        typeof property.description === 'string' ? property.description : '',
      ),
    };
  });
}

function withinBounds(value: number, schema: Schema): boolean {
  if (schema.type === 'integer' && !Number.isInteger(value)) return false;
  if (typeof schema.minimum === 'number' && value < schema.minimum) return false;
  if (typeof schema.maximum === 'number' && value > schema.maximum) return false;
  if (typeof schema.exclusiveMinimum === 'number' && value <= schema.exclusiveMinimum) return false;
  if (typeof schema.exclusiveMaximum === 'number' && value >= schema.exclusiveMaximum) return false;
  return true;
}

function amountScore(amount: TypedAmount, parameter: ToolParameter): number {
  const wantsPercent = [...parameter.nameStems].some(
    (stem) => stem === 'percent' || stem === 'rate',
  );
  if (amount.percent !== wantsPercent) return 0;
  let score = 0;
  for (const stem of amount.context) {
    if (parameter.nameStems.has(stem)) score += 2;
    else if (parameter.descriptionStems.has(stem)) score += 1;
  }
  return score;
}

/** Gives each numeric parameter the amount whose words match it best (each amount used once). */
function assignAmounts(
  parameters: ToolParameter[],
  messages: readonly TypedValues[],
): Map<string, number> {
  const pairs: { parameter: ToolParameter; amount: TypedAmount; score: number; age: number }[] = [];
  messages.forEach((values, age) => {
    for (const amount of values.amounts) {
      for (const parameter of parameters) {
        if (parameter.kind !== 'number' || !withinBounds(amount.value, parameter.schema)) continue;
        const score = amountScore(amount, parameter);
        if (score > 0) pairs.push({ parameter, amount, score, age });
      }
    }
  });
  // Best match first; between equals, the more recent message.
  pairs.sort((left, right) => right.score - left.score || left.age - right.age);
  const assigned = new Map<string, number>();
  const used = new Set<TypedAmount>();
  for (const pair of pairs) {
    if (assigned.has(pair.parameter.name) || used.has(pair.amount)) continue;
    assigned.set(pair.parameter.name, pair.amount.value);
    used.add(pair.amount);
  }
  return assigned;
}

function latest<T>(messages: readonly TypedValues[], pick: (values: TypedValues) => T | undefined) {
  for (const values of messages) {
    const found = pick(values);
    if (found !== undefined) return found;
  }
  return undefined;
}

function clip(text: string, schema: Schema): string {
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : 2000;
  return text.length > max ? text.slice(0, max) : text;
}

function typedValueFor(parameter: ToolParameter, values: ConversationValues): string | undefined {
  const { messages } = values;
  const email = () => latest(messages, (entry) => entry.emails[0]);
  const phone = () => latest(messages, (entry) => entry.phones[0]);
  const when = () => latest(messages, (entry) => entry.dateTimes[0]);
  switch (parameter.kind) {
    case 'email':
      return email();
    case 'phone':
      return phone();
    case 'contact':
      return phone() ?? email();
    case 'person':
      return latest(messages, (entry) => entry.personName);
    case 'place':
      return latest(messages, (entry) => entry.place);
    case 'datetime':
      return when()?.iso;
    case 'date':
      return when()?.iso.slice(0, 10);
    case 'time':
      return when()?.iso.slice(11, 19);
    default:
      return undefined;
  }
}

/** The arguments of a tool with parameters `parameters`, from the conversation's values. */
export function fillArguments(
  parameters: ToolParameter[],
  values: ConversationValues,
): FilledArguments {
  const args: Record<string, unknown> = {};
  const missing: ToolParameter[] = [];
  let typedCount = 0;
  const amounts = assignAmounts(parameters, values.messages);
  const latestStems = stemsOf(values.latestText);
  for (const parameter of parameters) {
    let value: unknown = typedValueFor(parameter, values);
    if (value !== undefined) typedCount += 1;
    else if (parameter.kind === 'number' && amounts.has(parameter.name)) {
      value = amounts.get(parameter.name);
      typedCount += 1;
    } else if (parameter.kind === 'enum') {
      value = (parameter.schema.enum as unknown[]).find(
        (option) =>
          typeof option === 'string' && [...stemsOf(option)].some((stem) => latestStems.has(stem)),
      );
    } else if (parameter.kind === 'text' && values.latestText.trim() !== '') {
      value = clip(values.latestText.trim(), parameter.schema);
    }
    if (value !== undefined) args[parameter.name] = value;
    else if (parameter.required) missing.push(parameter);
  }
  return { args, missing, typedCount };
}
