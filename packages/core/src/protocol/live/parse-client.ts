import type { z } from 'zod';
import {
  decode,
  internalFailure,
  invalidEvent,
  parsed,
  unknownEvent,
  type ParseResult,
} from '../frame.js';
import { ownValue, type Json } from '../json.js';
import { liveClientEventSchemas, type LiveClientEvent } from './client-events.js';
import type { LiveParseOptions } from './parse.js';
import { zodIssues } from '../zod-issues.js';

// Live client events checked against the full zod schemas: what a relay or an emulator uses to
// judge what a browser or an SDK sends (`@parley/core/schemas`). The schemas accept every shape
// the official 7.60.0 types allow; whether the *session* accepts it (strict `session.start`,
// delegation rules, append limits) is the server's business.

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
    const { object, type, warnings } = decoded;
    const schema = ownValue<z.ZodType>(liveClientEventSchemas, type);
    if (schema === undefined) return unknownEvent(type, object, warnings);
    if (options?.validate === false) return parsed(object as LiveClientEvent, warnings);
    const checked = schema.safeParse(object);
    if (!checked.success) {
      const issues = zodIssues(checked.error);
      return invalidEvent('Live client event', type, raw, issues, checked.error);
    }
    return parsed(checked.data as Json as LiveClientEvent, warnings);
  } catch (cause) {
    return internalFailure('Live client event', raw, cause);
  }
}
