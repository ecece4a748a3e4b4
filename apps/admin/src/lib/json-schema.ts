// Live checks for a tool's parameters (a JSON Schema typed by hand in the tool editor) and for
// sample arguments in a test-run. Arguments are validated with zod's `fromJSONSchema`, exactly as
// the server validates them before calling the webhook; no code generation, so a strict CSP holds.
import { z } from 'zod';

/** A problem found in the edited text, with where it is when known. */
export interface SchemaProblem {
  /** JSON pointer-like path (`properties.city.type`), or '' for the whole document. */
  path: string;
  message: string;
}

export type JsonCheck<T> = { ok: true; value: T } | { ok: false; problems: SchemaProblem[] };

const jsonTypes = new Set(['string', 'number', 'integer', 'boolean', 'object', 'array', 'null']);
const numericKeywords = [
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minItems',
  'maxItems',
  'multipleOf',
];

/** Parses JSON text, reporting a syntax error with its line and column. */
export function parseJson(text: string): JsonCheck<unknown> {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    if (position !== undefined) {
      const before = text.slice(0, Number(position));
      const line = before.split('\n').length;
      const column = Number(position) - before.lastIndexOf('\n');
      return {
        ok: false,
        problems: [
          {
            path: '',
            message: `Invalid JSON at line ${line}, column ${column}: ${message.replace(/ in JSON at position \d+.*$/, '')}`,
          },
        ],
      };
    }
    return { ok: false, problems: [{ path: '', message: `Invalid JSON: ${message}` }] };
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkNode(node: unknown, path: string, problems: SchemaProblem[]): void {
  const at = (key: string) => (path ? `${path}.${key}` : key);
  if (!isRecord(node)) {
    problems.push({ path, message: 'must be a schema object' });
    return;
  }
  const { type } = node;
  const types = Array.isArray(type) ? type : type === undefined ? [] : [type];
  for (const entry of types) {
    if (typeof entry !== 'string' || !jsonTypes.has(entry)) {
      problems.push({
        path: at('type'),
        message: `"${String(entry)}" is not a JSON Schema type (use ${[...jsonTypes].join(', ')})`,
      });
    }
  }
  for (const keyword of numericKeywords) {
    if (keyword in node && typeof node[keyword] !== 'number')
      problems.push({ path: at(keyword), message: 'must be a number' });
  }
  if ('enum' in node && !Array.isArray(node.enum))
    problems.push({ path: at('enum'), message: 'must be an array' });
  if ('description' in node && typeof node.description !== 'string')
    problems.push({ path: at('description'), message: 'must be a string' });
  if ('properties' in node) {
    if (!isRecord(node.properties)) {
      problems.push({ path: at('properties'), message: 'must be an object of property schemas' });
    } else {
      for (const [name, child] of Object.entries(node.properties))
        checkNode(child, at(`properties.${name}`), problems);
    }
  }
  if ('required' in node) {
    const properties = isRecord(node.properties) ? node.properties : {};
    if (!Array.isArray(node.required) || node.required.some((name) => typeof name !== 'string')) {
      problems.push({ path: at('required'), message: 'must be an array of property names' });
    } else {
      for (const name of node.required as string[]) {
        if (!(name in properties))
          problems.push({
            path: at('required'),
            message: `"${name}" is required but not defined in properties`,
          });
      }
    }
  }
  if ('items' in node) checkNode(node.items, at('items'), problems);
}

/** Checks a tool's parameters: valid JSON, an object schema, well-formed keywords, usable by zod. */
export function checkParametersSchema(text: string): JsonCheck<Record<string, unknown>> {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  const schema = parsed.value;
  if (!isRecord(schema))
    return {
      ok: false,
      problems: [{ path: '', message: 'The parameters must be a JSON object (a JSON Schema).' }],
    };
  const problems: SchemaProblem[] = [];
  if (schema.type !== 'object')
    problems.push({
      path: 'type',
      message: 'Tool parameters must be an object schema: "type": "object".',
    });
  checkNode(schema, '', problems);
  if (problems.length === 0) {
    try {
      z.fromJSONSchema(schema);
    } catch (error) {
      problems.push({ path: '', message: (error as Error).message });
    }
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, value: schema };
}

/** Validates sample arguments (JSON text) against a parameters schema, as the server will. */
export function checkArguments(
  schema: Record<string, unknown>,
  text: string,
): JsonCheck<Record<string, unknown>> {
  const parsed = parseJson(text);
  if (!parsed.ok) return parsed;
  if (!isRecord(parsed.value))
    return { ok: false, problems: [{ path: '', message: 'Arguments must be a JSON object.' }] };
  const validator = z.fromJSONSchema(schema);
  const result = validator.safeParse(parsed.value);
  if (result.success) return { ok: true, value: parsed.value };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    })),
  };
}

/**
 * Sample arguments for a parameters schema, to start a test-run from: every property a value can
 * be made up for (strings, emails, date-times a day ahead, numbers within their bounds,
 * booleans), skipping those with a default or a pattern unless they are required.
 */
export function sampleArguments(
  schema: Record<string, unknown>,
  now: Date = new Date(),
): Record<string, unknown> {
  const properties = isRecord(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required : []);
  const sample: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(properties)) {
    if (!isRecord(property)) continue;
    if (!required.has(name) && ('default' in property || 'pattern' in property)) continue;
    const value = sampleValue(property, now);
    if (value !== undefined) sample[name] = value;
  }
  return sample;
}

function sampleValue(property: Record<string, unknown>, now: Date): unknown {
  if (Array.isArray(property.enum) && property.enum.length > 0) return property.enum[0];
  switch (property.type) {
    case 'string':
      if (property.format === 'email') return 'ada@example.com';
      if (property.format === 'date-time') {
        const tomorrow = new Date(now.getTime() + 86_400_000);
        tomorrow.setUTCHours(15, 0, 0, 0);
        return tomorrow.toISOString().replace('.000Z', 'Z');
      }
      return 'example';
    case 'number':
    case 'integer': {
      const bound = (key: string) =>
        typeof property[key] === 'number' ? property[key] : undefined;
      const minimum = bound('minimum') ?? (bound('exclusiveMinimum') ?? 0) + 1;
      const maximum = bound('maximum') ?? bound('exclusiveMaximum');
      return maximum === undefined ? minimum : Math.min(minimum, maximum);
    }
    case 'boolean':
      return true;
    default:
      return undefined;
  }
}
