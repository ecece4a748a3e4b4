import { parseClientEvent } from '@parley/core/schemas';
import type { z } from 'zod';
import type { Dialect } from './dialect.js';
import { EmulatorProtocolError, invalidValue } from './errors.js';
import { issueToError } from './session-config.js';

/** Client event types the emulator answers (both dialects use the same names). */
export const CLIENT_EVENT_TYPES = [
  'session.update',
  'input_audio_buffer.append',
  'input_audio_buffer.commit',
  'input_audio_buffer.clear',
  'conversation.item.create',
  'conversation.item.retrieve',
  'conversation.item.truncate',
  'conversation.item.delete',
  'response.create',
  'response.cancel',
  'output_audio_buffer.clear',
] as const;

/** Emulator-only control messages for tests (see the README). */
export const CONTROL_EVENT_TYPES = [
  'emulator.transcript',
  'emulator.reply',
  'emulator.fault',
] as const;

const KNOWN_TYPES = new Set<string>([...CLIENT_EVENT_TYPES, ...CONTROL_EVENT_TYPES]);
const CONTROL_TYPES = new Set<string>(CONTROL_EVENT_TYPES);

/** The outcome of reading one client frame. */
export type ParsedFrame =
  | { ok: true; event: Record<string, unknown> & { type: string } }
  | { ok: false; error: EmulatorProtocolError; eventId: string | null };

/**
 * Reads one WebSocket frame: size bound, text only, JSON object, a known `type`, then the event
 * schema of `@parley/core` for the connection's dialect. Each failure is the error the real
 * server sends, with the client's `event_id` when one could be read. Finer checks (strict
 * session fields, ids, audio) happen where the event is handled.
 */
export function parseClientFrame(
  data: Buffer | string,
  isBinary: boolean,
  maxEventBytes: number,
  dialect: Dialect = 'ga',
): ParsedFrame {
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
  if (size > maxEventBytes) {
    return {
      ok: false,
      eventId: null,
      error: new EmulatorProtocolError(
        'event_too_large',
        `The event is too large: ${size} bytes, but the maximum is ${maxEventBytes} bytes. Split audio into smaller input_audio_buffer.append events.`,
      ),
    };
  }
  if (isBinary) {
    return {
      ok: false,
      eventId: null,
      error: new EmulatorProtocolError(
        'invalid_event',
        'Binary frames are not supported; send each event as a JSON text frame.',
      ),
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof data === 'string' ? data : data.toString('utf8'));
  } catch (error) {
    return {
      ok: false,
      eventId: null,
      error: new EmulatorProtocolError(
        'invalid_json',
        `We could not parse the JSON body of your request. (${(error as Error).message})`,
      ),
    };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    return {
      ok: false,
      eventId: null,
      error: new EmulatorProtocolError('invalid_event', 'Expected the event to be a JSON object.'),
    };
  }
  const event = parsed as Record<string, unknown>;
  const eventId = typeof event.event_id === 'string' ? event.event_id : null;
  if (event.type === undefined) {
    return {
      ok: false,
      eventId,
      error: new EmulatorProtocolError('invalid_event', "The 'type' field is missing.", 'type'),
    };
  }
  if (typeof event.type !== 'string' || !KNOWN_TYPES.has(event.type)) {
    return { ok: false, eventId, error: invalidValue('type', event.type, CLIENT_EVENT_TYPES) };
  }
  if (event.event_id !== undefined && typeof event.event_id !== 'string') {
    return {
      ok: false,
      eventId: null,
      error: new EmulatorProtocolError(
        'invalid_type',
        "Invalid type for 'event_id': expected a string.",
        'event_id',
      ),
    };
  }
  // Appends arrive 50 times a second per session and carry one field, which the handler checks
  // strictly (base64, format); the schema pass is skipped on this hot path only.
  if (!CONTROL_TYPES.has(event.type) && event.type !== 'input_audio_buffer.append') {
    const checked = parseClientEvent(event, { dialect });
    if (!checked.success) {
      // The cause is core's ZodError; read it by shape so a second zod copy cannot break this.
      const issues = (checked.error.cause as { issues?: unknown } | undefined)?.issues;
      const issue = Array.isArray(issues) ? (issues[0] as z.core.$ZodIssue | undefined) : undefined;
      return {
        ok: false,
        eventId,
        error: issue
          ? issueToError(issue, event, '')
          : new EmulatorProtocolError('invalid_event', checked.error.message),
      };
    }
  }
  return { ok: true, event: event as Record<string, unknown> & { type: string } };
}
