import type { z } from 'zod';
import type { Dialect } from '../session/ports.js';
import {
  betaClientEventToGa,
  betaServerEventToGa,
  betaToGaClientEventType,
  betaToGaServerEventType,
  gaClientEventToBeta,
} from './beta-events.js';
import { betaClientEventSchemas, betaServerEventSchemas } from './beta-schemas.js';
import type { DroppedField } from './beta-session.js';
import { clientEventSchemas, type ClientEvent } from './client-events.js';
import { ProtocolError, type ProtocolIssue } from './errors.js';
import { withWarnings, type ParseWarning } from './lenient.js';
import { isRecord, ownValue, type Json } from './json.js';
import { serverEventSchemas, type ServerEvent } from './server-events.js';

/** Options of {@link parseServerEvent} and {@link parseClientEvent}. */
export interface ParseOptions {
  /** Dialect the frame was written in; events come back in GA form either way. Default `'ga'`. */
  dialect?: Dialect;
  /**
   * Validate the event against its zod schema (default `true`). With `false`, only the frame is
   * checked (JSON, size, depth, dangerous keys, a string `type`) and the event is dispatched on
   * its `type`, which is several times faster: for trusted, high-rate streams such as audio deltas.
   */
  validate?: boolean;
  /** Largest accepted frame, in UTF-16 code units of the JSON text. Default 32 MiB. */
  maxLength?: number;
  /** Deepest accepted nesting of objects and arrays. Default 64. */
  maxDepth?: number;
}

/**
 * An event whose `type` this version does not know. It parses successfully (the API adds events)
 * and keeps the whole payload; tell it apart with {@link isUnknownEvent}.
 */
export interface UnknownEvent {
  type: string;
  unknown: true;
  raw: Record<string, unknown>;
}

/** The outcome of a parse: never thrown, always returned. */
export type ParseResult<E> =
  | {
      success: true;
      event: E | UnknownEvent;
      /** What was tolerated (elided values, removed keys, fields the dialect could not carry). */
      warnings?: ParseWarning[];
    }
  | { success: false; error: ProtocolError };

/** True for an event whose `type` the schemas do not know. */
export function isUnknownEvent(event: object): event is UnknownEvent {
  return (event as Partial<UnknownEvent>).unknown === true && 'raw' in event;
}

type Side = 'server' | 'client';

const defaultMaxLength = 32 * 1024 * 1024;
const defaultMaxDepth = 64;
const textDecoder = typeof TextDecoder === 'function' ? new TextDecoder() : undefined;

function failure(
  message: string,
  code: string,
  raw: unknown,
  extra: { eventType?: string; cause?: unknown; issues?: ProtocolIssue[] } = {},
): { success: false; error: ProtocolError } {
  const issues = extra.issues ?? [{ path: [], message, code }];
  return { success: false, error: new ProtocolError(message, { ...extra, issues, raw }) };
}

// Keys that can rewrite prototypes when a consumer later merges the event into another object:
// `__proto__` anywhere, and `prototype` under a `constructor` key (`constructor.prototype.x`).
function isDangerousKey(parentKey: string | undefined, key: string): boolean {
  return key === '__proto__' || (key === 'prototype' && parentKey === 'constructor');
}

type WalkResult = 'clean' | 'dangerous' | 'too_deep';

// One pass over the tree, iterative so that hostile nesting cannot overflow the stack. A cyclic
// object input is reported as too deep.
function inspect(root: Json, maxDepth: number): WalkResult {
  // Parallel stacks instead of one object per node: this runs on every frame.
  const values: unknown[] = [root];
  const depths: number[] = [1];
  const parentKeys: Array<string | undefined> = [undefined];
  let result: WalkResult = 'clean';
  while (values.length > 0) {
    const value = values.pop();
    const depth = depths.pop()!;
    const parentKey = parentKeys.pop();
    if (depth > maxDepth) return 'too_deep';
    if (Array.isArray(value)) {
      for (const element of value) {
        if (typeof element === 'object' && element !== null) {
          values.push(element);
          depths.push(depth + 1);
          parentKeys.push(undefined);
        }
      }
    } else {
      const object = value as Json;
      for (const key in object) {
        if (!Object.prototype.hasOwnProperty.call(object, key)) continue;
        if (isDangerousKey(parentKey, key)) result = 'dangerous';
        const child = object[key];
        if (typeof child === 'object' && child !== null) {
          values.push(child);
          depths.push(depth + 1);
          parentKeys.push(key);
        }
      }
    }
  }
  return result;
}

// A copy without the dangerous keys (depth already checked, so recursion is bounded).
function withoutDangerousKeys(
  value: unknown,
  path: string,
  parentKey: string | undefined,
  warnings: ParseWarning[],
): unknown {
  if (Array.isArray(value)) {
    return value.map((element, index) =>
      withoutDangerousKeys(element, `${path}.${index}`, undefined, warnings),
    );
  }
  if (typeof value !== 'object' || value === null) return value;
  const copy: Json = {};
  for (const key of Object.keys(value)) {
    const child = (value as Json)[key];
    const childPath = path === '' ? key : `${path}.${key}`;
    if (isDangerousKey(parentKey, key)) {
      warnings.push({
        path: childPath,
        message: `removed the key "${key}" (prototype pollution guard)`,
        value: child,
      });
      continue;
    }
    copy[key] = withoutDangerousKeys(child, childPath, key, warnings);
  }
  return copy;
}

type Decoded =
  | { ok: true; object: Json; type: string; warnings: ParseWarning[] | undefined }
  | { ok: false; result: { success: false; error: ProtocolError } };

function decode(raw: unknown, options: ParseOptions | undefined): Decoded {
  const maxLength = options?.maxLength ?? defaultMaxLength;
  let text: string | undefined;
  if (typeof raw === 'string') text = raw;
  else if ((raw instanceof ArrayBuffer || ArrayBuffer.isView(raw)) && textDecoder) {
    if (raw.byteLength > maxLength * 3) {
      return {
        ok: false,
        result: failure(`Frame too large: ${raw.byteLength} bytes`, 'too_large', raw),
      };
    }
    text = textDecoder.decode(raw);
  }
  let value: unknown = raw;
  if (text !== undefined) {
    if (text.length > maxLength) {
      return {
        ok: false,
        result: failure(
          `Frame too large: ${text.length} characters (limit ${maxLength})`,
          'too_large',
          raw,
        ),
      };
    }
    try {
      value = JSON.parse(text);
    } catch (cause) {
      const reason = cause instanceof Error ? cause.message : String(cause);
      return {
        ok: false,
        result: failure(`Malformed JSON: ${reason}`, 'invalid_json', raw, { cause }),
      };
    }
  }
  if (!isRecord(value)) {
    return {
      ok: false,
      result: failure('A Realtime event must be a JSON object', 'not_an_object', raw),
    };
  }
  let object = value;
  let warnings: ParseWarning[] | undefined;
  const walk = inspect(object, options?.maxDepth ?? defaultMaxDepth);
  if (walk === 'too_deep') {
    return {
      ok: false,
      result: failure(
        `Event nested deeper than ${options?.maxDepth ?? defaultMaxDepth} levels (or cyclic)`,
        'too_deep',
        raw,
      ),
    };
  }
  if (walk === 'dangerous') {
    warnings = [];
    object = withoutDangerousKeys(object, '', undefined, warnings) as Json;
  }
  const type = object.type;
  if (typeof type !== 'string') {
    return {
      ok: false,
      result: failure('The event has no string "type" field', 'missing_type', raw, {
        issues: [{ path: ['type'], message: 'expected a string', code: 'missing_type' }],
      }),
    };
  }
  return { ok: true, object, type, warnings };
}

function zodIssues(error: z.ZodError): ProtocolIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map((part) => (typeof part === 'symbol' ? String(part) : part)),
    message: issue.message,
    code: issue.code,
  }));
}

function describe(issues: ProtocolIssue[]): string {
  const shown = issues
    .slice(0, 3)
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(event)'}: ${issue.message}`,
    );
  return shown.join('; ') + (issues.length > 3 ? `; and ${issues.length - 3} more` : '');
}

function droppedToWarnings(dropped: DroppedField[]): ParseWarning[] {
  return dropped.map((d) => ({ path: d.field, message: `dropped: ${d.reason}`, value: d.value }));
}

// Events whose items may carry beta content names (`text`, `audio`) even in GA streams.
const carriesItem = new Set([
  'conversation.item.added',
  'conversation.item.done',
  'conversation.item.created',
  'conversation.item.retrieved',
  'conversation.item.create',
  'response.output_item.added',
  'response.output_item.done',
  'response.created',
  'response.done',
]);

interface SideTables {
  ga: Readonly<Record<string, z.ZodType>>;
  beta: Readonly<Record<string, z.ZodType>>;
  renames: Readonly<Record<string, string>>;
  toGa: (event: Json) => { event: Json; dropped: DroppedField[] };
}

const tables: Record<Side, SideTables> = {
  server: {
    ga: serverEventSchemas,
    beta: betaServerEventSchemas,
    renames: betaToGaServerEventType,
    toGa: betaServerEventToGa,
  },
  client: {
    ga: clientEventSchemas,
    beta: betaClientEventSchemas,
    renames: betaToGaClientEventType,
    toGa: betaClientEventToGa,
  },
};

function parseEvent<E>(
  side: Side,
  raw: unknown,
  options: ParseOptions | undefined,
): ParseResult<E> {
  try {
    const decoded = decode(raw, options);
    if (!decoded.ok) return decoded.result;
    const { object, type } = decoded;
    const table = tables[side];
    const dialect = options?.dialect ?? 'ga';
    const validate = options?.validate ?? true;
    // `type` comes off the wire: look it up as an own key only, or "valueOf" or "constructor"
    // would find Object.prototype's members (the fuzz test found exactly that).
    const gaType = ownValue(table.renames, type) ?? type;
    const gaSchema = ownValue(table.ga, gaType);
    // Beta payload schemas apply to the beta dialect only; in GA, beta *names* are still accepted
    // (servers and recordings mix them) but the payload must be GA.
    const betaSchema = dialect === 'beta' ? ownValue(table.beta, type) : undefined;
    if (gaSchema === undefined && betaSchema === undefined) {
      const unknown: UnknownEvent = { type, unknown: true, raw: object };
      return decoded.warnings
        ? { success: true, event: unknown, warnings: decoded.warnings }
        : { success: true, event: unknown };
    }
    const needsAdapter = dialect === 'beta' || gaType !== type || carriesItem.has(type);
    if (!validate && !needsAdapter) {
      // The fast path for trusted high-rate frames (audio and transcript deltas).
      return decoded.warnings
        ? { success: true, event: object as E, warnings: decoded.warnings }
        : { success: true, event: object as E };
    }
    type Outcome =
      | { error: z.ZodError; event?: undefined }
      | { error?: undefined; event: { event: Json; dropped: DroppedField[] } };
    const { value, warnings } = withWarnings((): Outcome => {
      let event = object;
      if (betaSchema !== undefined) {
        // Validate the beta shape first, so the issues point at what the sender actually wrote.
        if (validate) {
          const checked = betaSchema.safeParse(event);
          if (!checked.success) return { error: checked.error };
          event = checked.data as Json;
        }
        return { event: table.toGa(event) };
      }
      const adapted = needsAdapter ? table.toGa(event) : { event, dropped: [] };
      if (validate && gaSchema !== undefined) {
        const checked = gaSchema.safeParse(adapted.event);
        if (!checked.success) return { error: checked.error };
        return { event: { event: checked.data as Json, dropped: adapted.dropped } };
      }
      return { event: adapted };
    });
    if (value.error !== undefined) {
      const issues = zodIssues(value.error);
      return failure(`Invalid ${side} event "${type}": ${describe(issues)}`, 'schema', raw, {
        eventType: type,
        issues,
        cause: value.error,
      });
    }
    const event = value.event.event as E;
    if (!decoded.warnings && warnings.length === 0 && value.event.dropped.length === 0) {
      return { success: true, event };
    }
    const all = [
      ...(decoded.warnings ?? []),
      ...warnings,
      ...droppedToWarnings(value.event.dropped),
    ];
    return all.length > 0 ? { success: true, event, warnings: all } : { success: true, event };
  } catch (cause) {
    // Nothing above should throw; if something does (an exotic object input), it is still a
    // protocol error for the caller, never an exception.
    const message = cause instanceof Error ? cause.message : String(cause);
    return failure(`Could not parse the ${side} event: ${message}`, 'internal', raw, { cause });
  }
}

/**
 * Parses one server → client frame (a JSON string, bytes, or an already parsed object) into a
 * normalized GA server event. Never throws.
 *
 * - Beta frames (`dialect: 'beta'`) come back in GA form: renamed events, the nested session,
 *   GA content names; what GA cannot carry is listed in `warnings`.
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
  return parseEvent<ServerEvent>('server', raw, options);
}

/**
 * Parses one client → server frame into a normalized GA client event (used by relays and
 * emulators to check what a browser sends). Same contract as {@link parseServerEvent}; a beta
 * flat `session.update` is translated to GA with dropped fields in `warnings`.
 */
export function parseClientEvent(raw: unknown, options?: ParseOptions): ParseResult<ClientEvent> {
  return parseEvent<ClientEvent>('client', raw, options);
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
 * beta `response.create` overrides and beta content names. Throws a `ProtocolError` only for
 * values JSON cannot represent (cycles, `BigInt`), which is a programming error.
 *
 * @example
 * ```ts
 * transport.send(serializeClientEvent({ type: 'input_audio_buffer.append', audio: encodeBase64(pcm) }));
 * ```
 */
export function serializeClientEvent(event: ClientEvent, options?: SerializeOptions): string {
  let wire: object = event;
  if ((options?.dialect ?? 'ga') === 'beta') {
    const adapted = gaClientEventToBeta(event);
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
