import { isRecord, ownValue, type Json } from './json.js';
import type { ProtocolIssue } from './errors.js';
import type { ParseWarning, Unparsed } from './warnings.js';

// The browser's reading of GA server events, without a schema library (see "Parsing" in the
// README). The rule: strict only on what the machine reads to keep its state right — ids,
// deltas, indices, the kinds of the objects it walks into — so such a frame fails as a protocol
// error. Everything else is passed through exactly as it arrived; a value the machine reads but
// can do without (a usage count, a detail object, a part's text) that is null, of another kind or
// a new enum member is kept raw in a warning and never fails the event. The full zod schemas
// (`@parley/core/schemas`) still describe every field, for servers and tests that want them.

/** What reading one event found: the issues that fail it, the warnings that do not. */
export interface ReadContext {
  issues: ProtocolIssue[];
  warnings: ParseWarning[];
}

/**
 * Checks of one field: `s` / `n` a required string / number, `s?` / `n?` optional (null is
 * dropped with a warning), `s0` a string or null, or the name of a nested reader below.
 */
type FieldKind = 's' | 'n' | 's?' | 'n?' | 's0' | keyof typeof nestedReaders;

const responseRef = 'response_id:s item_id:s output_index:n content_index:n';
const mcpRef = 'item_id:s output_index:n';

/**
 * The fields read of each GA server event, as `name:kind` pairs. Events not listed here (and
 * fields not named) are passed through; a type missing from this table is an unknown event.
 */
const serverEventFields: Readonly<Record<string, string>> = {
  error: 'error:errorPayload',
  'session.created': 'session:session',
  'session.updated': 'session:session',
  'conversation.created': '',
  'conversation.item.added': 'previous_item_id:s0 item:item',
  'conversation.item.done': 'previous_item_id:s0 item:item',
  'conversation.item.retrieved': 'item:item',
  'conversation.item.truncated': 'item_id:s content_index:n audio_end_ms:n',
  'conversation.item.deleted': 'item_id:s',
  'conversation.item.input_audio_transcription.delta': 'item_id:s content_index:n? delta:s?',
  'conversation.item.input_audio_transcription.completed':
    'item_id:s content_index:n? transcript:s usage:transcriptionUsage',
  'conversation.item.input_audio_transcription.failed':
    'item_id:s content_index:n? error:errorDetail',
  'conversation.item.input_audio_transcription.segment': 'id:s item_id:s content_index:n? text:s',
  'input_audio_buffer.committed': 'previous_item_id:s0 item_id:s',
  'input_audio_buffer.cleared': '',
  'input_audio_buffer.speech_started': 'audio_start_ms:n item_id:s',
  'input_audio_buffer.speech_stopped': 'audio_end_ms:n item_id:s',
  'input_audio_buffer.timeout_triggered': 'item_id:s audio_start_ms:n audio_end_ms:n',
  'input_audio_buffer.dtmf_event_received': 'event:s received_at:n',
  'response.created': 'response:response',
  'response.done': 'response:response',
  'response.output_item.added': 'response_id:s output_index:n item:item',
  'response.output_item.done': 'response_id:s output_index:n item:item',
  'response.content_part.added': `${responseRef} part:responsePart`,
  'response.content_part.done': `${responseRef} part:responsePart`,
  'response.output_text.delta': `${responseRef} delta:s`,
  'response.output_text.done': `${responseRef} text:s`,
  'response.output_audio.delta': `${responseRef} delta:s`,
  'response.output_audio.done': responseRef,
  'response.output_audio_transcript.delta': `${responseRef} delta:s`,
  'response.output_audio_transcript.done': `${responseRef} transcript:s`,
  'response.function_call_arguments.delta':
    'response_id:s item_id:s output_index:n call_id:s delta:s',
  'response.function_call_arguments.done':
    'response_id:s item_id:s output_index:n call_id:s arguments:s name:s?',
  'response.mcp_call_arguments.delta': `${mcpRef} response_id:s delta:s`,
  'response.mcp_call_arguments.done': `${mcpRef} response_id:s arguments:s`,
  'response.mcp_call.in_progress': mcpRef,
  'response.mcp_call.completed': mcpRef,
  'response.mcp_call.failed': mcpRef,
  'mcp_list_tools.in_progress': 'item_id:s',
  'mcp_list_tools.completed': 'item_id:s',
  'mcp_list_tools.failed': 'item_id:s',
  'rate_limits.updated': '',
  'output_audio_buffer.started': 'response_id:s?',
  'output_audio_buffer.stopped': 'response_id:s?',
  'output_audio_buffer.cleared': 'response_id:s?',
};

/** The `name:kind` fields read of a GA server event (for tests that must leave them alone). */
export function readFieldsOf(type: string): Array<{ name: string; kind: string }> {
  return pairsOf(ownValue(serverEventFields, type) ?? '').map(([name, kind]) => ({ name, kind }));
}

/** True when `type` is a GA server event this version reads. */
export function isKnownServerEventType(type: string): boolean {
  return ownValue(serverEventFields, type) !== undefined;
}

const itemStatuses = ['in_progress', 'completed', 'incomplete'];
const responseStatuses = ['in_progress', 'completed', 'cancelled', 'incomplete', 'failed'];
const itemTypes = [
  'message',
  'function_call',
  'function_call_output',
  'mcp_list_tools',
  'mcp_call',
  'mcp_approval_request',
  'mcp_approval_response',
];
const partTypes = ['input_text', 'input_audio', 'input_image', 'output_text', 'output_audio'];
const responsePartTypes = ['output_text', 'output_audio', 'text', 'audio'];

const kindName = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;

/**
 * An object being read: fields are dropped or replaced on a copy, made on the first change, so
 * the input is never modified and an event that needs no change is returned as it came.
 */
export class Fields {
  result: Json;
  constructor(
    readonly source: Json,
    readonly path: string,
    readonly context: ReadContext,
  ) {
    this.result = source;
  }

  pathOf(key: string | number): string {
    return this.path === '' ? String(key) : `${this.path}.${key}`;
  }

  set(key: string, value: unknown): void {
    if (this.result === this.source) this.result = { ...this.source };
    if (value === undefined) delete this.result[key];
    else this.result[key] = value;
  }

  fail(key: string, expected: string): void {
    const value = this.source[key];
    this.context.issues.push({
      path: this.pathOf(key)
        .split('.')
        .map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
      message: `expected ${expected}, received ${kindName(value)}`,
      code: 'invalid_type',
    });
  }

  /** Keeps the raw value in a warning and drops the field (or puts `replacement` instead). */
  tolerate(key: string, message: string, replacement?: unknown): void {
    this.context.warnings.push({ path: this.pathOf(key), message, value: this.source[key] });
    this.set(key, replacement);
  }

  /** Warns about a value outside `known` (a new enum member) and keeps it. */
  noteUnknown(key: string, known: readonly string[]): void {
    const value = this.source[key];
    if (typeof value === 'string' && !known.includes(value)) {
      this.context.warnings.push({
        path: this.pathOf(key),
        message: `"${value}" is not a value this version knows; kept as it is`,
        value,
      });
    }
  }

  /** Applies one `name:kind` check. */
  check(key: string, kind: FieldKind): void {
    const value = this.source[key];
    switch (kind) {
      case 's':
      case 'n': {
        const expected = kind === 's' ? 'string' : 'number';
        if (typeof value !== expected) this.fail(key, `a ${expected}`);
        return;
      }
      case 's?':
      case 'n?': {
        const expected = kind === 's?' ? 'string' : 'number';
        if (value === undefined || typeof value === expected) return;
        if (value === null) this.tolerate(key, `null where a ${expected} or nothing was expected`);
        else this.fail(key, `a ${expected}`);
        return;
      }
      case 's0':
        if (value !== undefined && value !== null && typeof value !== 'string') {
          this.fail(key, 'a string or null');
        }
        return;
      default: {
        const read = nestedReaders[kind](value, this.pathOf(key), this.context);
        if (read !== value) this.set(key, read);
      }
    }
  }

  /** An optional number the machine can do without: anything else is dropped with a warning. */
  softNumber(key: string): void {
    const value = this.source[key];
    if (value !== undefined && typeof value !== 'number') {
      this.tolerate(key, `${kindName(value)} where a number was expected; dropped`);
    }
  }

  /** An optional string (or null) the machine can do without. */
  softString(key: string): void {
    const value = this.source[key];
    if (value !== undefined && value !== null && typeof value !== 'string') {
      this.tolerate(key, `${kindName(value)} where a string was expected; dropped`);
    }
  }

  /** An optional object the machine walks into; anything else is dropped with a warning. */
  softObject(key: string, read: (value: Json, path: string) => Json, nullable = false): void {
    const value = this.source[key];
    if (value === undefined || (nullable && value === null)) return;
    if (!isRecord(value)) {
      this.tolerate(key, `unreadable ${key} (${kindName(value)}) dropped`);
      return;
    }
    const read_ = read(value, this.pathOf(key));
    if (read_ !== value) this.set(key, read_);
  }
}

const parsedSpecs = new Map<string, ReadonlyArray<readonly [string, FieldKind]>>();

/** The `name:kind` pairs of a spec, split once per event type. */
function pairsOf(spec: string): ReadonlyArray<readonly [string, FieldKind]> {
  let pairs = parsedSpecs.get(spec);
  if (pairs === undefined) {
    pairs =
      spec === ''
        ? []
        : spec.split(' ').map((pair) => {
            const colon = pair.indexOf(':');
            return [pair.slice(0, colon), pair.slice(colon + 1) as FieldKind] as const;
          });
    parsedSpecs.set(spec, pairs);
  }
  return pairs;
}

/** True when a scalar check passes as it is: the hot path, with nothing allocated. */
function passes(value: unknown, kind: FieldKind): boolean {
  switch (kind) {
    case 's':
      return typeof value === 'string';
    case 'n':
      return typeof value === 'number';
    case 's?':
      return value === undefined || typeof value === 'string';
    case 'n?':
      return value === undefined || typeof value === 'number';
    case 's0':
      return value === undefined || value === null || typeof value === 'string';
    default:
      return false;
  }
}

/** Reads the fields of `object` named in `spec` (`name:kind` pairs separated by spaces). */
function readFields(object: Json, spec: string, path: string, context: ReadContext): Json {
  let fields: Fields | undefined;
  for (const [key, kind] of pairsOf(spec)) {
    if (passes(object[key], kind)) continue;
    fields ??= new Fields(object, path, context);
    fields.check(key, kind);
  }
  return fields === undefined ? object : fields.result;
}

/** A nested object that must be one (its absence or another kind fails the event). */
function requireObject(value: unknown, path: string, context: ReadContext): value is Json {
  if (isRecord(value)) return true;
  context.issues.push({
    path: path.split('.'),
    message: `expected an object, received ${kindName(value)}`,
    code: 'invalid_type',
  });
  return false;
}

function unparsed(raw: unknown, path: string, what: string, context: ReadContext): Unparsed {
  context.warnings.push({
    path,
    message: `unreadable ${what} kept as { type: 'unparsed', raw }`,
    value: raw,
  });
  return { type: 'unparsed', raw };
}

/** A content part inside an item: an unreadable one becomes a placeholder. */
function readContentPart(part: unknown, path: string, context: ReadContext): unknown {
  if (!isRecord(part) || typeof part.type !== 'string') {
    return unparsed(part, path, 'content part', context);
  }
  const fields = new Fields(part, path, context);
  fields.noteUnknown('type', partTypes);
  fields.softString('text');
  fields.softString('transcript');
  return fields.result;
}

function readItemFields(item: Json, path: string, context: ReadContext): Json {
  const fields = new Fields(item, path, context);
  fields.check('type', 's');
  fields.check('id', 's?');
  fields.check('call_id', 's?');
  fields.check('status', 's?');
  fields.noteUnknown('status', itemStatuses);
  switch (item.type) {
    case 'message':
      fields.check('role', 's');
      if (!Array.isArray(item.content)) {
        fields.tolerate('content', 'message content that is not an array read as []', []);
      } else {
        const content = item.content.map((part, index) =>
          readContentPart(part, fields.pathOf(`content.${index}`), context),
        );
        if (content.some((part, index) => part !== (item.content as unknown[])[index])) {
          fields.set('content', content);
        }
      }
      break;
    case 'function_call':
      fields.check('name', 's');
      fields.check('arguments', 's');
      break;
    case 'function_call_output':
      fields.check('call_id', 's');
      fields.check('output', 's');
      break;
    default:
      fields.noteUnknown('type', itemTypes);
  }
  return fields.result;
}

/** An item the event is about: it must be readable, or the event fails. */
function readItem(value: unknown, path: string, context: ReadContext): unknown {
  return requireObject(value, path, context) ? readItemFields(value, path, context) : value;
}

/** An output item of a response snapshot: an unreadable one becomes a placeholder. */
function readOutputItem(value: unknown, path: string, context: ReadContext): unknown {
  if (!isRecord(value)) return unparsed(value, path, 'output item', context);
  const inner: ReadContext = { issues: [], warnings: [] };
  const item = readItemFields(value, path, inner);
  if (inner.issues.length > 0) return unparsed(value, path, 'output item', context);
  context.warnings.push(...inner.warnings);
  return item;
}

function readTokenDetails(details: Json, path: string, context: ReadContext): Json {
  const fields = new Fields(details, path, context);
  for (const key of ['text_tokens', 'audio_tokens', 'image_tokens', 'cached_tokens']) {
    fields.softNumber(key);
  }
  fields.softObject('cached_tokens_details', (value, inner) =>
    readTokenDetails(value, inner, context),
  );
  return fields.result;
}

function readUsage(usage: Json, path: string, context: ReadContext): Json {
  const fields = new Fields(usage, path, context);
  for (const key of ['total_tokens', 'input_tokens', 'output_tokens']) fields.softNumber(key);
  const details = (value: Json, inner: string) => readTokenDetails(value, inner, context);
  fields.softObject('input_token_details', details);
  fields.softObject('output_token_details', details);
  return fields.result;
}

function readResponse(value: unknown, path: string, context: ReadContext): unknown {
  if (!requireObject(value, path, context)) return value;
  const fields = new Fields(value, path, context);
  fields.check('id', 's?');
  fields.check('status', 's?');
  fields.noteUnknown('status', responseStatuses);
  fields.softString('conversation_id');
  const output = value.output;
  if (output !== undefined && !Array.isArray(output)) {
    fields.tolerate('output', `unreadable output (${kindName(output)}) dropped`);
  } else if (Array.isArray(output)) {
    const read = output.map((item, index) =>
      readOutputItem(item, fields.pathOf(`output.${index}`), context),
    );
    if (read.some((item, index) => item !== output[index])) fields.set('output', read);
  }
  fields.softObject('usage', (usage, inner) => readUsage(usage, inner, context), true);
  return fields.result;
}

/**
 * The objects the machine walks into, by the kind name used in {@link serverEventFields}. Each
 * returns the value it was given when nothing had to change.
 */
const nestedReaders = {
  item: readItem,
  response: readResponse,
  session(value: unknown, path: string, context: ReadContext): unknown {
    // The machine reads the session defensively (model, turn detection, transcription), so
    // only its kind and `type` are checked here.
    if (!requireObject(value, path, context)) return value;
    const fields = new Fields(value, path, context);
    fields.noteUnknown('type', ['realtime', 'transcription']);
    return fields.result;
  },
  responsePart(value: unknown, path: string, context: ReadContext): unknown {
    if (!requireObject(value, path, context)) return value;
    const fields = new Fields(value, path, context);
    fields.check('type', 's?');
    fields.noteUnknown('type', responsePartTypes);
    fields.softString('text');
    fields.softString('transcript');
    return fields.result;
  },
  errorPayload(value: unknown, path: string, context: ReadContext): unknown {
    if (!requireObject(value, path, context)) return value;
    const fields = new Fields(value, path, context);
    fields.check('message', 's');
    for (const key of ['type', 'code', 'param', 'event_id']) fields.softString(key);
    return fields.result;
  },
  errorDetail(value: unknown, path: string, context: ReadContext): unknown {
    if (isRecord(value)) {
      const fields = new Fields(value, path, context);
      for (const key of ['type', 'code', 'message', 'param']) fields.softString(key);
      return fields.result;
    }
    context.warnings.push({ path, message: 'unreadable error detail read as {}', value });
    return {};
  },
  transcriptionUsage(value: unknown, path: string, context: ReadContext): unknown {
    if (value === undefined) return value;
    if (!isRecord(value) || typeof value.type !== 'string') {
      context.warnings.push({ path, message: 'unreadable transcription usage dropped', value });
      return undefined;
    }
    const fields = new Fields(value, path, context);
    fields.noteUnknown('type', ['tokens', 'duration']);
    for (const key of ['input_tokens', 'output_tokens', 'total_tokens', 'seconds']) {
      fields.softNumber(key);
    }
    fields.softObject('input_token_details', (details, inner) =>
      readTokenDetails(details, inner, context),
    );
    return fields.result;
  },
} satisfies Record<string, (value: unknown, path: string, context: ReadContext) => unknown>;

/**
 * Reads one GA server event of a known type (see {@link isKnownServerEventType}): returns the
 * event, copied where something had to be dropped or replaced, with issues and warnings in
 * `context`. Never throws on wire input.
 */
export function readServerEvent(event: Json, context: ReadContext): Json {
  return readFields(event, ownValue(serverEventFields, event.type as string) ?? '', '', context);
}
