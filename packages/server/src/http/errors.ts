/** The JSON error envelope every route answers with, and zod validation for bodies. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { z } from 'zod';
import type { ApiError } from '../schemas.js';
import { isDatabaseUnavailable } from '../storage/database-availability.js';
import { StoreError } from '../storage/errors.js';

/** An error a route throws to answer with a given status and code. */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly issues?: NonNullable<ApiError['error']['issues']>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

/** Answers `error` as the JSON envelope (500 without details for anything unexpected). */
export function errorResponse(c: Context, error: unknown, log: (error: unknown) => void): Response {
  if (error instanceof HttpError) {
    const body: ApiError = {
      error: {
        code: error.code,
        message: error.message,
        ...(error.issues ? { issues: error.issues } : {}),
      },
    };
    return c.json(body, error.status, error.headers);
  }
  if (error instanceof StoreError) {
    const status = error.code === 'not_found' ? 404 : error.code === 'conflict' ? 409 : 400;
    return c.json(
      { error: { code: error.code, message: error.message } } satisfies ApiError,
      status,
    );
  }
  if (isDatabaseUnavailable(error)) {
    // The database is away (restart, failover, timeout): a retry may succeed; no detail leaks.
    return c.json(
      {
        error: { code: 'database_unavailable', message: 'the database is unavailable; retry soon' },
      } satisfies ApiError,
      503,
      { 'retry-after': '5' },
    );
  }
  log(error);
  return c.json(
    { error: { code: 'internal', message: 'internal server error' } } satisfies ApiError,
    500,
  );
}

function toIssues(error: z.ZodError): NonNullable<ApiError['error']['issues']> {
  return error.issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
    message: issue.message,
  }));
}

/** Parses a value with a schema or throws a 400 carrying the zod issues. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new HttpError(
      400,
      'invalid_request',
      'the request did not validate',
      toIssues(result.error),
    );
  }
  return result.data;
}

/** Deepest nesting a request body may have (JSON Schemas of tools need far less). */
export const maxJsonDepth = 32;

/**
 * The first thing in a parsed JSON value that no route accepts: nesting deeper than
 * {@link maxJsonDepth} (validating or serialising it would overflow the stack) or a NUL
 * character in a string or key (PostgreSQL cannot store it). Walks with its own stack.
 */
export function jsonProblem(
  value: unknown,
): { path: (string | number)[]; message: string } | undefined {
  const pending: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (pending.length > 0) {
    const { value: current, path } = pending.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\0')) return { path, message: 'contains a NUL character' };
      continue;
    }
    if (typeof current !== 'object' || current === null) continue;
    if (path.length >= maxJsonDepth) {
      return { path: path.slice(0, 3), message: `nested deeper than ${maxJsonDepth} levels` };
    }
    for (const [key, child] of Object.entries(current)) {
      if (key.includes('\0')) return { path, message: 'a key contains a NUL character' };
      pending.push({ value: child, path: [...path, Array.isArray(current) ? Number(key) : key] });
    }
  }
  return undefined;
}

/** Reads and validates a JSON body (400 on malformed JSON, bad nesting or NUL, failed validation). */
export async function jsonBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.output<S>> {
  let value: unknown;
  try {
    value = await c.req.json();
  } catch {
    throw new HttpError(400, 'invalid_json', 'the body is not valid JSON');
  }
  const problem = jsonProblem(value);
  if (problem) {
    throw new HttpError(400, 'invalid_request', 'the request did not validate', [problem]);
  }
  return validate(schema, value);
}
