import { ProtocolError } from '../errors.js';
import {
  decode,
  internalFailure,
  invalidEvent,
  parsed,
  parsedWithAll,
  unknownEvent,
  type ParseResult,
} from '../frame.js';
import type { ReadContext } from '../server-event-reader.js';
import type { LiveClientEvent } from './client-events.js';
import { isKnownLiveServerEventType, readLiveServerEvent } from './reader.js';
import type { LiveServerEvent } from './server-events.js';

// The browser's side of the GPT-Live wire: server events in (read by ./reader.ts, no schema
// library), client events out. The zod-checked client-event parser for servers is in
// ./parse-client.ts (the `@parley/core/schemas` entry).

/** Options of {@link parseLiveServerEvent}. */
export interface LiveParseOptions {
  /**
   * Read the fields the session relies on (default `true`). With `false` only the frame is
   * checked (JSON, size, depth, dangerous keys, a string `type`): for trusted high-rate frames.
   */
  validate?: boolean;
  /** Largest accepted frame, in UTF-16 code units. Default 32 MiB. */
  maxLength?: number;
  /** Deepest accepted nesting. Default 64. */
  maxDepth?: number;
}

/**
 * Parses one GPT-Live server → client frame (a JSON string, bytes or an object). Never throws.
 * An unknown `type` succeeds as `{ type, unknown: true, raw }` (the API adds events: §5.9 of the
 * reference lists some already); a value the session can do without is kept in `warnings`.
 *
 * @example
 * ```ts
 * const result = parseLiveServerEvent(frame);
 * if (result.success && !isUnknownEvent(result.event) && result.event.type === 'session.closed') {
 *   console.log(result.event.reason, result.event.usage.seconds);
 * }
 * ```
 */
export function parseLiveServerEvent(
  raw: unknown,
  options?: LiveParseOptions,
): ParseResult<LiveServerEvent> {
  try {
    const decoded = decode(raw, options);
    if (!decoded.ok) return decoded.result;
    const { object, type, warnings } = decoded;
    if (!isKnownLiveServerEventType(type)) return unknownEvent(type, object, warnings);
    if (options?.validate === false) return parsed(object as unknown as LiveServerEvent, warnings);
    const context: ReadContext = { issues: [], warnings: [] };
    const event = readLiveServerEvent(object, context) as unknown as LiveServerEvent;
    if (context.issues.length > 0) {
      return invalidEvent('Live server event', type, raw, context.issues);
    }
    return parsedWithAll(event, warnings, context.warnings);
  } catch (cause) {
    return internalFailure('Live server event', raw, cause);
  }
}

/**
 * Writes a Live client event as a JSON frame. Throws a `ProtocolError` only for values JSON
 * cannot represent (cycles, `BigInt`), which is a programming error.
 */
export function serializeLiveClientEvent(event: LiveClientEvent): string {
  try {
    return JSON.stringify(event);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ProtocolError(`Cannot serialize Live client event "${event.type}": ${message}`, {
      issues: [{ path: [], message, code: 'unserializable' }],
      raw: event,
      eventType: event.type,
      cause,
    });
  }
}
