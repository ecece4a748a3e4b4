import type { Dialect } from './dialect.js';
import type { DroppedField } from './beta-tables.js';
import { ProtocolError, type ProtocolIssue } from './errors.js';
import { isRecord, ownValue, type Json } from './json.js';
import type { ParseWarning } from './warnings.js';

// What every parse does before looking at an event's fields: decode the frame (text, bytes or
// an object), bound its size and depth, strip prototype-polluting keys, require a string `type`;
// and how every parse words its results. Shared by the four parsers: Realtime and GPT-Live, the
// browser's server-event readers (parse.ts, live/parse.ts) and the zod client-event parsers.

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

const defaultMaxLength = 32 * 1024 * 1024;
const defaultMaxDepth = 64;
const textDecoder = typeof TextDecoder === 'function' ? new TextDecoder() : undefined;

export function failure(
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

export type Decoded =
  | { ok: true; object: Json; type: string; warnings: ParseWarning[] | undefined }
  | { ok: false; result: { success: false; error: ProtocolError } };

export function decode(raw: unknown, options: ParseOptions | undefined): Decoded {
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

/** The first issues of a failed parse, in one line for the error message. */
export function describe(issues: ProtocolIssue[]): string {
  const shown = issues
    .slice(0, 3)
    .map(
      (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(event)'}: ${issue.message}`,
    );
  return shown.join('; ') + (issues.length > 3 ? `; and ${issues.length - 3} more` : '');
}

/** Fields an adapter could not carry, as warnings that keep their values. */
export function droppedToWarnings(dropped: DroppedField[]): ParseWarning[] {
  return dropped.map((d) => ({ path: d.field, message: `dropped: ${d.reason}`, value: d.value }));
}

// Events whose items may carry beta content names (`text`, `audio`) even in GA streams.
export const carriesItem = new Set([
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

/** A decoded Realtime frame, named (see {@link decodeRealtime}). */
export type RealtimeFrame = Extract<Decoded, { ok: true }> & {
  /** The GA name of the frame's `type` (a beta name renamed). */
  gaType: string;
  /** Whether the event goes through the beta adapter: beta dialect, a beta name, or items. */
  needsAdapter: boolean;
};

/**
 * The prologue of `parseServerEvent` and `parseClientEvent`: the decoded frame with the GA name
 * of its type (`betaToGaType` is the caller's table, server or client events) and whether the
 * event goes through the beta adapter. A caller that already decoded `raw` passes `decoded`.
 */
export function decodeRealtime(
  raw: unknown,
  options: ParseOptions | undefined,
  betaToGaType: Readonly<Record<string, string>>,
  decoded: Decoded = decode(raw, options),
): RealtimeFrame | Extract<Decoded, { ok: false }> {
  if (!decoded.ok) return decoded;
  const frame = decoded as RealtimeFrame;
  const { type } = frame;
  // `type` comes off the wire: own keys only (see ownValue).
  frame.gaType = ownValue(betaToGaType, type) ?? type;
  frame.needsAdapter =
    options?.dialect === 'beta' || frame.gaType !== type || carriesItem.has(type);
  return frame;
}

/** A successful parse, carrying the warnings when there are any. */
export function parsed<E>(
  event: E | UnknownEvent,
  warnings: ParseWarning[] | undefined,
): ParseResult<E> {
  return warnings ? { success: true, event, warnings } : { success: true, event };
}

/** An event whose `type` this version does not know: kept whole (see {@link isUnknownEvent}). */
export function unknownEvent<E>(
  type: string,
  object: Json,
  warnings: ParseWarning[] | undefined,
): ParseResult<E> {
  return parsed<E>({ type, unknown: true, raw: object }, warnings);
}

/**
 * A successful parse with the warnings of every stage (the frame's, the reader's and what an
 * adapter dropped), or none when no stage had any.
 */
export function parsedWithAll<E>(
  event: E,
  decoded: ParseWarning[] | undefined,
  read: ParseWarning[],
  dropped: DroppedField[] = [],
): ParseResult<E> {
  if (!decoded && read.length === 0 && dropped.length === 0) return { success: true, event };
  return {
    success: true,
    event,
    warnings: [...(decoded ?? []), ...read, ...droppedToWarnings(dropped)],
  };
}

/** A known event whose fields do not match: `Invalid <what> "<type>": <the first issues>`. */
export function invalidEvent(
  what: string,
  type: string,
  raw: unknown,
  issues: ProtocolIssue[],
  cause?: unknown,
): { success: false; error: ProtocolError } {
  return failure(`Invalid ${what} "${type}": ${describe(issues)}`, 'schema', raw, {
    eventType: type,
    issues,
    cause,
  });
}

/**
 * What a parser threw, as a protocol error for the caller. Nothing should throw; if something
 * does (an exotic object input), it is still never an exception.
 */
export function internalFailure(
  what: string,
  raw: unknown,
  cause: unknown,
): { success: false; error: ProtocolError } {
  const message = cause instanceof Error ? cause.message : String(cause);
  return failure(`Could not parse the ${what}: ${message}`, 'internal', raw, { cause });
}
