import type { z } from 'zod';
import { EmulatorProtocolError, describeJsonType, invalidValue } from './errors.js';

function paramOf(prefix: string, path: readonly PropertyKey[]): string {
  let out = prefix;
  for (const key of path)
    out += typeof key === 'number' ? `[${key}]` : out ? `.${String(key)}` : String(key);
  return out;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/**
 * Converts the first zod issue to the error the real server would send (`unknown_parameter`,
 * `invalid_type`, `missing_required_parameter`, `invalid_value`, `decimal_below_min_value`, …).
 */
export function issueToError(
  issue: z.core.$ZodIssue,
  root: unknown,
  prefix: string,
): EmulatorProtocolError {
  const param = paramOf(prefix, issue.path);
  const value = valueAt(root, issue.path);
  if (value === undefined && issue.code !== 'unrecognized_keys') {
    return new EmulatorProtocolError(
      'missing_required_parameter',
      `Missing required parameter: '${param}'.`,
      param,
    );
  }
  switch (issue.code) {
    case 'unrecognized_keys': {
      const key = issue.keys[0] ?? '';
      return new EmulatorProtocolError(
        'unknown_parameter',
        `Unknown parameter: '${param}.${key}'.`,
        `${param}.${key}`,
      );
    }
    case 'invalid_type':
      return new EmulatorProtocolError(
        'invalid_type',
        `Invalid type for '${param}': expected ${issue.expected === 'object' ? 'an object' : `a ${issue.expected}`}, but got ${describeJsonType(value)} instead.`,
        param,
      );
    case 'too_small':
    case 'too_big': {
      const below = issue.code === 'too_small';
      const bound = below
        ? (issue as { minimum: number | bigint }).minimum
        : (issue as { maximum: number | bigint }).maximum;
      if (issue.origin === 'array' || issue.origin === 'string') {
        const what = issue.origin === 'array' ? 'array' : 'string';
        return new EmulatorProtocolError(
          below ? `${what}_below_min_length` : `${what}_above_max_length`,
          `Invalid '${param}': ${what} ${below ? 'too short' : 'too long'}. Expected ${what === 'array' ? 'an array' : 'a string'} with ${below ? 'minimum' : 'maximum'} length ${String(bound)}, but got ${describeJsonType(value)} with length ${Array.isArray(value) || typeof value === 'string' ? value.length : 0} instead.`,
          param,
        );
      }
      const kind = typeof value === 'number' && Number.isInteger(value) ? 'integer' : 'decimal';
      return new EmulatorProtocolError(
        `${kind}_${below ? 'below_min' : 'above_max'}_value`,
        `Invalid '${param}': ${kind} ${below ? 'below minimum' : 'above maximum'} value. Expected a value ${below ? '>=' : '<='} ${String(bound)}, but got ${JSON.stringify(value)} instead.`,
        param,
      );
    }
    case 'invalid_value':
      return invalidValue(
        param,
        value,
        issue.values.map((v) => String(v)),
      );
    case 'invalid_union':
    default:
      return new EmulatorProtocolError(
        'invalid_value',
        `Invalid value for '${param}': ${JSON.stringify(value) ?? 'undefined'}.`,
        param,
      );
  }
}
