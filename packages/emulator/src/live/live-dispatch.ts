import { liveClientEventSchemas, parseLiveClientEvent } from '@parley/core/schemas';
import { EmulatorProtocolError } from '../errors.js';
import { LiveProtocolError } from './live-errors.js';
import type { LivePort, LiveSession, LiveCloseReason } from './live-session.js';

type Json = Record<string, unknown>;

/** Client event types GPT-Live accepts (core's vocabulary: the 7.60.0 `ClientEvent` union and the sideband's `transport.dtmf.send`). */
export const LIVE_CLIENT_EVENT_TYPES = Object.keys(liveClientEventSchemas);

const CLOSE_REASONS: readonly LiveCloseReason[] = [
  'close_requested',
  'expired',
  'content',
  'remote_hangup',
  'connection_lost',
];

/**
 * Parses one frame into a client event object, or throws the error GPT-Live answers it with (the
 * connection stays open either way).
 */
export function parseLiveFrame(data: Buffer, isBinary: boolean, maxBytes: number): Json {
  if (isBinary)
    throw new LiveProtocolError(
      'invalid_json',
      'Binary frames are not supported; send JSON text frames.',
    );
  if (data.length > maxBytes)
    throw new LiveProtocolError(
      'event_too_large',
      `The event is ${data.length} bytes; at most ${maxBytes} are accepted.`,
    );
  let event: unknown;
  try {
    event = JSON.parse(data.toString('utf8'));
  } catch {
    throw new LiveProtocolError('invalid_json', 'The event is not valid JSON.');
  }
  if (event === null || typeof event !== 'object' || Array.isArray(event))
    throw new LiveProtocolError('invalid_type', 'Invalid type for event: expected an object.');
  const json = event as Json;
  if (json.type === undefined)
    throw new LiveProtocolError(
      'missing_required_parameter',
      "Missing required parameter: 'type'.",
      'type',
    );
  if (typeof json.type !== 'string')
    throw new LiveProtocolError(
      'invalid_type',
      "Invalid type for 'type': expected a string.",
      'type',
    );
  if (json.event_id !== undefined && json.event_id !== null && typeof json.event_id !== 'string')
    throw new LiveProtocolError(
      'invalid_type',
      "Invalid type for 'event_id': expected a string or null.",
      'event_id',
    );
  return json;
}

function paramOf(path: ReadonlyArray<string | number>): string {
  return path.reduce<string>(
    (out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${part}` : part),
    '',
  );
}

/**
 * Checks a client event against core's Live schemas (the one source of the wire vocabulary), and
 * turns the first problem into the error GPT-Live sends. The emulator's own checks (strict config,
 * delegation rules, limits) run after this, in the handlers.
 */
export function checkClientEvent(event: Json): void {
  const parsed = parseLiveClientEvent(event);
  if (parsed.success) return;
  const issue = parsed.error.issues[0];
  const param = issue ? paramOf(issue.path) : undefined;
  const missing = issue?.message.includes('received undefined') === true;
  throw new LiveProtocolError(
    missing ? 'missing_required_parameter' : 'invalid_type',
    missing
      ? `Missing required parameter: '${param ?? 'event'}'.`
      : `Invalid '${param ?? 'event'}': ${issue?.message ?? parsed.error.message}.`,
    param || undefined,
  );
}

/** The `client_event_id` a reply to `event` carries. */
export function clientEventIdOf(event: Json): string | undefined {
  return typeof event.event_id === 'string' ? event.event_id : undefined;
}

/** The error for an unknown type, listing the supported ones as upstream does (its code was not captured). */
function unknownType(type: string): LiveProtocolError {
  const list = LIVE_CLIENT_EVENT_TYPES.map((name) => `'${name}'`).join(', ');
  return new LiveProtocolError(
    'invalid_value',
    `Invalid value: '${type}'. Supported values are: ${list}.`,
    'type',
  );
}

/**
 * Runs one client event on a started session, from the primary or a sideband. Errors go back
 * to the socket that sent the event, with its `event_id`; the session continues.
 */
export function dispatchLiveEvent(session: LiveSession, port: LivePort, event: Json): void {
  const clientEventId = clientEventIdOf(event);
  try {
    runEvent(session, port, event, clientEventId);
  } catch (error) {
    if (error instanceof LiveProtocolError) session.sendError(port, error, clientEventId);
    else if (error instanceof EmulatorProtocolError)
      session.sendError(
        port,
        new LiveProtocolError(error.code, error.message, error.param ?? undefined, error.type),
        clientEventId,
      );
    else throw error;
  }
}

function runEvent(
  session: LiveSession,
  port: LivePort,
  event: Json,
  clientEventId: string | undefined,
): void {
  const type = event.type as string;
  if (session.closed)
    throw new LiveProtocolError(
      'session_closed',
      'The session has closed; no further events are accepted.',
    );
  switch (type) {
    case 'session.start':
      throw new LiveProtocolError(
        'invalid_value',
        port.role !== 'primary'
          ? `'session.start' is not accepted on a ${port.role === 'sideband' ? 'sideband connection' : 'data channel'}; the session is already running.`
          : 'The session has already started.',
        'type',
      );
    case 'session.input_audio.append':
      if (port.role !== 'primary')
        throw new LiveProtocolError(
          'invalid_value',
          "'session.input_audio.append' is only accepted on the primary connection.",
          'type',
        );
      session.appendAudio(event.audio);
      return;
    case 'session.update':
      session.update(event.session, clientEventId);
      return;
    case 'session.input_audio.mute':
    case 'session.input_audio.unmute':
      session.muted = type === 'session.input_audio.mute';
      session.emit(
        { type: session.muted ? 'session.input_audio.muted' : 'session.input_audio.unmuted' },
        clientEventId,
      );
      return;
    case 'session.instructions.append':
    case 'session.thinking.append':
    case 'session.commentary.append':
      session.append(
        port,
        type.split('.')[1] as 'instructions' | 'thinking' | 'commentary',
        event,
        clientEventId,
      );
      return;
    case 'response.item.create':
      session.model.onResponseItem(event.item);
      return;
    case 'response.create':
      session.model.onResponseCreate(clientEventId);
      return;
    case 'session.close':
      session.close('close_requested', clientEventId);
      return;
    case 'session.output_audio.fixture.play':
    case 'decision.create':
    case 'decision.item.create':
    case 'decision.item.delete':
    case 'transport.dtmf.send':
      throw new LiveProtocolError(
        'unsupported_event',
        `The emulator does not implement '${type}' yet.`,
        'type',
      );
    case 'emulator.transcript':
      if (typeof event.text !== 'string')
        throw new LiveProtocolError(
          'missing_required_parameter',
          "Missing required parameter: 'text'.",
          'text',
        );
      session.transcripts.push(event.text);
      return;
    case 'emulator.reply':
      if (typeof event.text === 'string') session.scripted.push({ text: event.text });
      else if (typeof event.tool === 'string')
        session.scripted.push({ tool: event.tool, arguments: event.arguments });
      else
        throw new LiveProtocolError(
          'missing_required_parameter',
          "Missing required parameter: 'text' or 'tool'.",
          'text',
        );
      return;
    case 'emulator.fault':
      onFault(session, port, event);
      return;
    default:
      throw unknownType(type);
  }
}

/** `emulator.fault`: an error now, a stall, a socket close, or `session.closed` with a reason. */
function onFault(session: LiveSession, port: LivePort, event: Json): void {
  const error = event.error as Json | undefined;
  if (error) {
    session.sendError(
      port,
      new LiveProtocolError(
        typeof error.code === 'string' ? error.code : 'server_error',
        typeof error.message === 'string' ? error.message : 'Injected error.',
        typeof error.param === 'string' ? error.param : undefined,
        typeof error.type === 'string' ? error.type : 'server_error',
      ),
    );
  }
  if (event.stall === true) session.stalled = true;
  const reason = event.session_closed;
  if (typeof reason === 'string') {
    if (!CLOSE_REASONS.includes(reason as LiveCloseReason))
      throw new LiveProtocolError(
        'invalid_value',
        `Invalid value: '${reason}'. Supported values are: ${CLOSE_REASONS.map((r) => `'${r}'`).join(', ')}.`,
        'session_closed',
      );
    session.close(reason as LiveCloseReason);
  }
  const close = event.close as Json | undefined;
  if (close && port.abort)
    port.abort(
      typeof close.code === 'number' ? close.code : 1011,
      typeof close.reason === 'string' ? close.reason : 'fault injected by the emulator',
    );
}
