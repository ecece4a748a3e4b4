// Form validation with the server's zod schemas: the console shows the same field errors the API
// would answer with, before the request is sent, and maps the API's own 400 issues the same way.
import type { z } from 'zod';
import type { FieldIssue } from './api.js';

/** Field errors keyed by dotted path (`config.turnDetection.threshold`); `''` for form-level ones. */
export type FieldErrors = Record<string, string>;

/** Joins an issue path into the key {@link FieldErrors} uses. */
export function pathKey(path: readonly PropertyKey[]): string {
  return path.map(String).join('.');
}

/** Turns issues into field errors, keeping the first message per field. */
export function issuesToErrors(
  issues: readonly FieldIssue[] | readonly z.core.$ZodIssue[],
): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const key = pathKey(issue.path);
    errors[key] ??= issue.message;
  }
  return errors;
}

/**
 * The message shown for a zod issue: the schema's own message when it wrote one (the server's
 * schemas explain their patterns), else a plain sentence instead of zod's technical default.
 */
export function issueMessage(issue: z.core.$ZodIssue): string {
  const raw = issue as z.core.$ZodIssue & {
    minimum?: number | bigint;
    maximum?: number | bigint;
    origin?: string;
    format?: string;
    input?: unknown;
  };
  switch (issue.code) {
    case 'too_small':
      if (raw.origin === 'string')
        return Number(raw.minimum) <= 1 ? 'Required' : `At least ${Number(raw.minimum)} characters`;
      if (raw.origin === 'array') return `At least ${Number(raw.minimum)} items`;
      return issue.message.startsWith('Too small')
        ? `Must be at least ${Number(raw.minimum)}`
        : issue.message;
    case 'too_big':
      if (raw.origin === 'string') return `At most ${Number(raw.maximum)} characters`;
      if (raw.origin === 'array') return `At most ${Number(raw.maximum)} items`;
      return issue.message.startsWith('Too big')
        ? `Must be at most ${Number(raw.maximum)}`
        : issue.message;
    case 'invalid_format':
      if (raw.format === 'email') return 'Enter an email address like name@example.com';
      if (raw.format === 'url') return 'Enter a full URL starting with https://';
      return issue.message;
    case 'invalid_type':
      return raw.input === undefined || raw.input === null || raw.input === ''
        ? 'Required'
        : issue.message;
    default:
      return issue.message;
  }
}

/** Parses `value` with `schema`: the data with defaults applied, or the field errors. */
export function validate<T extends z.ZodType>(
  schema: T,
  value: unknown,
): { ok: true; data: z.infer<T> } | { ok: false; errors: FieldErrors } {
  const result = schema.safeParse(value);
  if (result.success) return { ok: true, data: result.data };
  const errors: FieldErrors = {};
  for (const issue of result.error.issues) errors[pathKey(issue.path)] ??= issueMessage(issue);
  return { ok: false, errors };
}

/** Field errors under `prefix` (e.g. `config.`), re-keyed without it, for a nested editor. */
export function errorsUnder(errors: FieldErrors, prefix: string): FieldErrors {
  const nested: FieldErrors = {};
  for (const [key, message] of Object.entries(errors)) {
    if (key.startsWith(prefix)) nested[key.slice(prefix.length)] = message;
  }
  return nested;
}
