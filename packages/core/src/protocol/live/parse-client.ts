import type { z } from 'zod';
import type { ProtocolIssue } from '../errors.js';
import { decode, describe, failure, type ParseResult, type UnknownEvent } from '../frame.js';
import { ownValue, type Json } from '../json.js';
import { liveClientEventSchemas, type LiveClientEvent } from './client-events.js';
import type { LiveParseOptions } from './parse.js';

// Live client events checked against the full zod schemas: what a relay or an emulator uses to
// judge what a browser or an SDK sends (`@parley/core/schemas`). The schemas accept every shape
// the official 7.60.0 types allow; whether the *session* accepts it (strict `session.start`,
// delegation rules, append limits) is the server's business.

function zodIssues(error: z.ZodError): ProtocolIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
    message: issue.message,
    code: issue.code,
  }));
}

/**
 * Parses one client → server Live frame. Same contract as `parseLiveServerEvent`: never throws,
 * an unknown `type` succeeds as an UnknownEvent (the emulator answers it with the API's error).
 */
export function parseLiveClientEvent(
  raw: unknown,
  options?: LiveParseOptions,
): ParseResult<LiveClientEvent> {
  try {
    const decoded = decode(raw, options);
    if (!decoded.ok) return decoded.result;
    const { object, type } = decoded;
    const schema = ownValue<z.ZodType>(liveClientEventSchemas, type);
    const withWarnings = (event: LiveClientEvent): ParseResult<LiveClientEvent> =>
      decoded.warnings
        ? { success: true, event, warnings: decoded.warnings }
        : { success: true, event };
    if (schema === undefined) {
      const unknown: UnknownEvent = { type, unknown: true, raw: object };
      return decoded.warnings
        ? { success: true, event: unknown, warnings: decoded.warnings }
        : { success: true, event: unknown };
    }
    if (options?.validate === false) return withWarnings(object as LiveClientEvent);
    const checked = schema.safeParse(object);
    if (!checked.success) {
      const issues = zodIssues(checked.error);
      return failure(`Invalid Live client event "${type}": ${describe(issues)}`, 'schema', raw, {
        eventType: type,
        issues,
        cause: checked.error,
      });
    }
    return withWarnings(checked.data as Json as LiveClientEvent);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    return failure(`Could not parse the Live client event: ${message}`, 'internal', raw, {
      cause,
    });
  }
}
