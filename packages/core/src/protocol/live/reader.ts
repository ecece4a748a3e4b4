import { isRecord, ownValue, type Json } from '../json.js';
import { Fields, type ReadContext } from '../server-event-reader.js';

// The browser's reading of GPT-Live server events, without a schema library: the same rule as
// the Realtime reader (../server-event-reader.ts). Strict only on what the session needs to keep
// its state right (a transcript fragment's text, a delegation's id, a nested Responses event's
// type, an error's message); everything else passes through as it arrived, and a value the
// session can do without (a time, a usage figure, a reason) that is missing, null, of another
// kind or a new enum member is kept raw in a warning and never fails the event. An unknown event
// type is never an error: the parser returns it as an UnknownEvent.

const kindName = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/** The close reasons and delegation targets of 7.60.0 (others are kept with a warning). */
const closeReasons = ['close_requested', 'expired', 'content', 'remote_hangup', 'connection_lost'];
const delegationTargets = ['client', 'responses', 'decisions'];

/** An object that must be one: its absence or another kind fails the event. */
function requireObject(value: unknown, path: string, context: ReadContext): value is Json {
  if (isRecord(value)) return true;
  context.issues.push({
    path: path.split('.'),
    message: `expected an object, received ${kindName(value)}`,
    code: 'invalid_type',
  });
  return false;
}

function readSession(value: unknown, path: string, context: ReadContext): unknown {
  // The session reads the snapshot defensively (id, model, voice, delegation): only its kind is
  // checked here, and a missing id is tolerated (the id is informational to the client).
  if (!requireObject(value, path, context)) return value;
  const fields = new Fields(value, path, context);
  fields.softString('id');
  fields.softString('model');
  return fields.result;
}

function readSoftSession(fields: Fields, key: string): void {
  fields.softObject(key, (value, inner) => readSession(value, inner, fields.context) as Json);
}

function readUsage(fields: Fields, key: string): void {
  fields.softObject(key, (usage, inner) => {
    const usageFields = new Fields(usage, inner, fields.context);
    usageFields.softNumber('seconds');
    return usageFields.result;
  });
}

/** Per event type: the checks beyond `type`. Types not listed are unknown events. */
const readers: Readonly<Record<string, ((fields: Fields) => void) | ''>> = {
  'session.started': (fields) => {
    const read = readSession(fields.source.session, fields.pathOf('session'), fields.context);
    if (read !== fields.source.session) fields.set('session', read);
  },
  'session.updated': (fields) => readSoftSession(fields, 'session'),
  'session.input_audio.muted': '',
  'session.input_audio.unmuted': '',
  'session.output_audio.fixture.playing': '',
  'session.output_audio.fixture.played': '',
  'session.instructions.appended': spanOnly,
  'session.thinking.appended': spanOnly,
  'session.commentary.appended': spanOnly,
  'session.input_audio.append': (fields) => fields.check('audio', 's'),
  'session.output_audio.delta': (fields) => {
    fields.check('delta', 's');
    spanOnly(fields);
  },
  'session.input_transcript.delta': fragment,
  'session.output_transcript.delta': fragment,
  'session.delegation.created': (fields) => {
    fields.softNumber('offset_ms');
    const delegation = fields.source.delegation;
    if (!requireObject(delegation, fields.pathOf('delegation'), fields.context)) return;
    const inner = new Fields(delegation, fields.pathOf('delegation'), fields.context);
    inner.check('id', 's');
    inner.check('target', 's');
    inner.noteUnknown('target', delegationTargets);
    inner.softString('response_id');
    if (inner.result !== delegation) fields.set('delegation', inner.result);
  },
  'decision.event': '',
  'decision.item.created': '',
  'decision.item.deleted': '',
  'response.event': (fields) => {
    fields.check('delegation_id', 's0');
    // The types promise only an object; one without a string `type` is kept (with a warning)
    // and the session skips it, so a nested event it cannot read never stalls the session.
    const nested = fields.source.event;
    if (!requireObject(nested, fields.pathOf('event'), fields.context)) return;
    if (typeof nested.type !== 'string') {
      fields.context.warnings.push({
        path: fields.pathOf('event.type'),
        message: 'a nested Responses event without a string type; kept, not acted on',
        value: nested.type,
      });
    }
  },
  'session.usage.updated': (fields) => {
    readUsage(fields, 'usage');
    fields.softObject('context_window', (window, inner) => {
      const windowFields = new Fields(window, inner, fields.context);
      windowFields.softNumber('usage_ratio');
      return windowFields.result;
    });
  },
  'session.closed': (fields) => {
    fields.softString('reason');
    fields.noteUnknown('reason', closeReasons);
    readUsage(fields, 'usage');
    readSoftSession(fields, 'session');
  },
  error: (fields) => {
    const payload = fields.source.error;
    if (!requireObject(payload, fields.pathOf('error'), fields.context)) return;
    const inner = new Fields(payload, fields.pathOf('error'), fields.context);
    inner.check('message', 's');
    for (const key of ['type', 'code', 'param', 'client_event_id']) inner.softString(key);
    if (inner.result !== payload) fields.set('error', inner.result);
  },
  info: (fields) => {
    fields.softString('code');
    fields.softString('message');
  },
  'transport.dtmf.received': '',
  'transport.dtmf.send': '',
  'transport.dtmf.sent': '',
  'transport.ringing': '',
  'transport.answered': '',
  'transport.failed': '',
};

/** Times on the session timeline: the session can do without them (a warning, never a failure). */
function spanOnly(fields: Fields): void {
  fields.softNumber('start_ms');
  fields.softNumber('end_ms');
}

/** A transcript fragment: its text is required, its times soft. */
function fragment(fields: Fields): void {
  fields.check('delta', 's');
  spanOnly(fields);
}

/** True when `type` is a Live server event this version reads. */
export function isKnownLiveServerEventType(type: string): boolean {
  return ownValue(readers, type) !== undefined;
}

/**
 * Reads one Live server event of a known type: returns the event, copied where something had to
 * be dropped, with issues and warnings in `context`. Never throws on wire input.
 */
export function readLiveServerEvent(event: Json, context: ReadContext): Json {
  const reader = ownValue(readers, event.type as string);
  if (reader === undefined || reader === '') return event;
  const fields = new Fields(event, '', context);
  reader(fields);
  // `client_event_id` correlates acks and errors: a value of another kind is dropped, not fatal.
  fields.softString('client_event_id');
  return fields.result;
}
