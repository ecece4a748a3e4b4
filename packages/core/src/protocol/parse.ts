import { betaDialect, betaNotLoaded } from './beta-loader.js';
import { betaNamesToGa, betaToGaServerEventType, type DroppedField } from './beta-tables.js';
import type { ClientEvent } from './client-events.js';
import { ProtocolError } from './errors.js';
import {
  decode,
  decodeRealtime,
  failure,
  internalFailure,
  invalidEvent,
  parsed,
  parsedWithAll,
  unknownEvent,
  type ParseOptions,
  type ParseResult,
} from './frame.js';
import type { Json } from './json.js';
import { isHotDelta } from './hot-deltas.js';
import {
  isKnownServerEventType,
  readServerEvent,
  type ReadContext,
} from './server-event-reader.js';
import type { ServerEvent } from './server-events.js';
import type { Dialect } from './dialect.js';

export { isUnknownEvent } from './frame.js';
export type { ParseOptions, ParseResult, UnknownEvent } from './frame.js';

// The browser's side of the wire: server events in (read by server-event-reader.ts, no schema
// library), client events out. Parsing client events with the full schemas is in parse-client.ts.

/**
 * Parses one server → client frame (a JSON string, bytes, or an already parsed object) into a
 * normalized GA server event. Never throws.
 *
 * - Beta frames (`dialect: 'beta'`) come back in GA form: renamed events, the nested session,
 *   GA content names; what GA cannot carry is listed in `warnings`. A beta session needs the
 *   beta dialect loaded first (`await loadBetaDialect()`); without it, such a frame fails.
 * - An unknown `type` succeeds as `{ type, unknown: true, raw }` (see {@link isUnknownEvent}).
 * - A failure carries a {@link ProtocolError} with the schema issues and the raw input.
 *
 * @example
 * ```ts
 * const result = parseServerEvent(frame);
 * if (!result.success) log(result.error.message);
 * else if (!isUnknownEvent(result.event) && result.event.type === 'response.output_audio.delta') {
 *   play(decodeBase64(result.event.delta));
 * }
 * ```
 */
export function parseServerEvent(raw: unknown, options?: ParseOptions): ParseResult<ServerEvent> {
  try {
    const decoded = decode(raw, options);
    // The machine's hottest events skip the tables below (see hot-deltas.ts).
    if (decoded.ok && isHotDelta(decoded.object, options)) {
      return parsed(decoded.object as unknown as ServerEvent, decoded.warnings);
    }
    const frame = decodeRealtime(raw, options, betaToGaServerEventType, decoded);
    if (!frame.ok) return frame.result;
    const { object, type, warnings } = frame;
    if (!isKnownServerEventType(frame.gaType)) return unknownEvent(type, object, warnings);
    const validate = options?.validate ?? true;
    if (!validate && !frame.needsAdapter) {
      // The fast path for trusted high-rate frames (audio and transcript deltas).
      return parsed(object as unknown as ServerEvent, warnings);
    }
    const adapted = frame.needsAdapter ? adaptServerEvent(object) : { event: object, dropped: [] };
    if (adapted === null) {
      return failure(`${betaNotLoaded} (server event "${type}")`, 'beta_not_loaded', raw, {
        eventType: type,
      });
    }
    const context: ReadContext = { issues: [], warnings: [] };
    const event = validate ? readServerEvent(adapted.event, context) : adapted.event;
    if (context.issues.length > 0) {
      return invalidEvent('server event', type, raw, context.issues);
    }
    return parsedWithAll(
      event as unknown as ServerEvent,
      warnings,
      context.warnings,
      adapted.dropped,
    );
  } catch (cause) {
    return internalFailure('server event', raw, cause);
  }
}

/**
 * A server event in GA form: beta names renamed here; a beta session translated by the beta
 * dialect, or `null` when it is not loaded.
 */
function adaptServerEvent(object: Json): { event: Json; dropped: DroppedField[] } | null {
  const dropped: DroppedField[] = [];
  const event = betaNamesToGa(object, dropped);
  if (event !== null) return { event, dropped };
  return betaDialect()?.serverEventToGa(object) ?? null;
}

/** Options of {@link serializeClientEvent}. */
export interface SerializeOptions {
  /** Dialect of the receiving server. Default `'ga'`. */
  dialect?: Dialect;
  /** Called with the fields the beta dialect has no place for (never called for GA). */
  onDropped?: (dropped: DroppedField[]) => void;
}

/**
 * Writes a GA client event as a JSON frame in the given dialect. Beta gets the flat session,
 * beta `response.create` overrides and beta content names (load it first: `loadBetaDialect()`).
 * Throws a `ProtocolError` only for values JSON cannot represent (cycles, `BigInt`) or for the
 * beta dialect when it is not loaded, both programming errors.
 *
 * @example
 * ```ts
 * transport.send(serializeClientEvent({ type: 'input_audio_buffer.append', audio: encodeBase64(pcm) }));
 * ```
 */
export function serializeClientEvent(event: ClientEvent, options?: SerializeOptions): string {
  let wire: object = event;
  if ((options?.dialect ?? 'ga') === 'beta') {
    const beta = betaDialect();
    if (beta === null) {
      throw new ProtocolError(`${betaNotLoaded} (client event "${event.type}")`, {
        issues: [{ path: [], message: betaNotLoaded, code: 'beta_not_loaded' }],
        raw: event,
        eventType: event.type,
      });
    }
    const adapted = beta.clientEventToBeta(event);
    if (adapted.dropped.length > 0) options?.onDropped?.(adapted.dropped);
    wire = adapted.event;
  }
  try {
    return JSON.stringify(wire);
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new ProtocolError(`Cannot serialize client event "${event.type}": ${message}`, {
      issues: [{ path: [], message, code: 'unserializable' }],
      raw: event,
      eventType: event.type,
      cause,
    });
  }
}
