// The Realtime adapter (GA, and beta once its lazy dialect has translated it to GA): server events
// into the neutral vocabulary (./neutral.ts) the machine's handlers are keyed by. A Realtime turn
// is items inside responses, so its kinds carry item and response ids; several GA events that
// mean one thing (an item added or done, in the conversation or in a response; the three "final
// text" events; the two streams of a function call's arguments) become one kind. It reads only
// what the reader made strict (ids, deltas, the objects it walks into); everything else is passed
// on untouched, and an event it has no row for is `ignored`, never an error. The capabilities of
// the Realtime families are in ./capabilities.ts. The other way, it writes the machine's neutral
// commands as GA client events, which the session serializes in its dialect.
import type { ClientEvent } from '../client-events.js';
import type { UnknownEvent } from '../frame.js';
import type { Json } from '../json.js';
import type { ServerEvent, ServerEventOf, ServerEventType } from '../server-events.js';
import type { NeutralCommand, RealtimeNeutralEvent } from './neutral.js';

type Decoders = {
  readonly [K in ServerEventType]?: (event: ServerEventOf<K>) => RealtimeNeutralEvent;
};

type ItemEvent = ServerEventOf<
  | 'conversation.item.added'
  | 'conversation.item.done'
  | 'conversation.item.retrieved'
  | 'response.output_item.added'
  | 'response.output_item.done'
>;

/**
 * The id prefix of the items a Parley server replays into the new upstream session of a resumed
 * conversation (a server ↔ core contract, see the README's "Resuming"). The transcript shows those
 * items already; on WebRTC their echoes (`conversation.item.added`/`done`) reach the browser on
 * the data channel, where the server cannot hold them back as its relay does, so they are ignored.
 */
export const RESUME_ITEM_PREFIX = 'parley_resume_';

/**
 * An item snapshot: `final` on a done; placed by the server unless retrieved or a response's.
 * A replayed item's echo is ignored ({@link RESUME_ITEM_PREFIX}).
 */
const item = (event: ItemEvent, final: boolean, positioned = false): RealtimeNeutralEvent =>
  typeof event.item.id === 'string' && event.item.id.startsWith(RESUME_ITEM_PREFIX)
    ? { kind: 'ignored', type: event.type }
    : {
        kind: 'item',
        item: event.item,
        final,
        responseId: (event as { response_id?: string }).response_id ?? null,
        previousItemId: (event as { previous_item_id?: string | null }).previous_item_id ?? null,
        positioned,
      };

const session = (
  event: ServerEventOf<'session.created' | 'session.updated'>,
): { config: Json } & Record<'sessionId' | 'model', string | null> => {
  const config = event.session as Json;
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  return { config, sessionId: text(config.id), model: text(config.model) };
};

const textDelta = (
  event: ServerEventOf<'response.output_text.delta' | 'response.output_audio_transcript.delta'>,
  modality: 'audio' | null,
): RealtimeNeutralEvent => ({
  kind: 'text_delta',
  speaker: 'assistant',
  itemId: event.item_id,
  responseId: event.response_id,
  delta: event.delta,
  modality,
});

const textDone = (
  event: { item_id: string; response_id: string },
  text: string,
): RealtimeNeutralEvent => ({
  kind: 'text_done',
  itemId: event.item_id,
  responseId: event.response_id,
  text,
});

/** One piece of an arguments stream: the delta, or (on `.done`) all of the arguments. */
const streamed = (event: { type: string }): { text: string; done: boolean } => {
  const done = event.type.endsWith('.done');
  const { arguments: all, delta } = event as { arguments?: string; delta?: string };
  return { text: (done ? all : delta) ?? '', done };
};

const argumentsOf = (
  event: ServerEventOf<
    'response.function_call_arguments.delta' | 'response.function_call_arguments.done'
  >,
): RealtimeNeutralEvent => ({
  kind: 'arguments',
  itemId: event.item_id,
  callId: event.call_id,
  responseId: event.response_id,
  ...streamed(event),
  name: (event as { name?: string }).name ?? null,
});

const mcpListing = (
  event: ServerEventOf<
    'mcp_list_tools.in_progress' | 'mcp_list_tools.completed' | 'mcp_list_tools.failed'
  >,
): RealtimeNeutralEvent => ({
  kind: 'mcp_listing',
  itemId: event.item_id,
  status: event.type.slice(15) as 'in_progress' | 'completed' | 'failed',
});

const mcpArguments = (
  event: ServerEventOf<'response.mcp_call_arguments.delta' | 'response.mcp_call_arguments.done'>,
): RealtimeNeutralEvent => ({
  kind: 'mcp_arguments',
  itemId: event.item_id,
  responseId: event.response_id,
  ...streamed(event),
});

const outputStopped =
  (cleared: boolean) =>
  (event: { response_id?: string | undefined }): RealtimeNeutralEvent => ({
    kind: 'output_stopped',
    responseId: event.response_id ?? null,
    cleared,
  });

const DECODERS: Decoders = {
  'session.created': (event) => ({ kind: 'session_started', ...session(event) }),
  'session.updated': (event) => ({ kind: 'session_updated', config: session(event).config }),
  error: ({ error }) => ({
    kind: 'error',
    code: error.code ?? null,
    message: error.message,
    param: error.param ?? null,
    commandId: error.event_id ?? null,
  }),
  'conversation.item.added': (event) => item(event, false, true),
  'conversation.item.done': (event) => item(event, true, true),
  'conversation.item.retrieved': (event) => item(event, false),
  'response.output_item.added': (event) => item(event, false),
  'response.output_item.done': (event) => item(event, true),
  'conversation.item.truncated': (event) => ({
    kind: 'item_truncated',
    itemId: event.item_id,
    audioEndMs: event.audio_end_ms,
  }),
  'conversation.item.deleted': (event) => ({ kind: 'item_deleted', itemId: event.item_id }),
  'conversation.item.input_audio_transcription.delta': (event) =>
    event.delta
      ? {
          kind: 'text_delta',
          speaker: 'user',
          itemId: event.item_id,
          responseId: null,
          delta: event.delta,
          modality: 'audio',
        }
      : { kind: 'ignored', type: event.type },
  'conversation.item.input_audio_transcription.completed': ({ item_id, transcript, usage }) => ({
    kind: 'input_transcription_done',
    itemId: item_id,
    text: transcript,
    usage:
      usage === undefined
        ? null
        : usage.type === 'tokens'
          ? {
              tokens: usage.total_tokens ?? (usage.input_tokens ?? 0) + (usage.output_tokens ?? 0),
              seconds: 0,
            }
          : { tokens: 0, seconds: usage.seconds },
  }),
  'conversation.item.input_audio_transcription.failed': ({ item_id, error }) => ({
    kind: 'input_transcription_failed',
    itemId: item_id,
    message: error.message ?? error.code ?? 'transcription failed',
  }),
  'input_audio_buffer.speech_started': () => ({ kind: 'speech_started' }),
  'input_audio_buffer.speech_stopped': () => ({ kind: 'speech_stopped' }),
  'input_audio_buffer.timeout_triggered': () => ({ kind: 'input_timeout' }),
  'output_audio_buffer.started': (event) => ({
    kind: 'output_playing',
    responseId: event.response_id ?? null,
  }),
  'output_audio_buffer.stopped': outputStopped(false),
  'output_audio_buffer.cleared': outputStopped(true),
  'response.created': ({ response }) => ({
    kind: 'response_started',
    id: response.id ?? null,
    outOfBand: response.conversation_id === null,
  }),
  'response.done': ({ response }) => ({
    kind: 'response_done',
    id: response.id ?? null,
    outOfBand: response.conversation_id === null,
    status: response.status ?? 'completed',
    output: (response.output ?? []).flatMap((output) => (output.type === 'unparsed' ? [] : output)),
    usage: response.usage ?? null,
  }),
  'response.content_part.added': (event) => ({
    kind: 'output_modality',
    itemId: event.item_id,
    responseId: event.response_id,
    modality: event.part.type === 'audio' || event.part.type === 'output_audio' ? 'audio' : 'text',
  }),
  'response.content_part.done': (event) => {
    const text = event.part.transcript ?? event.part.text;
    return typeof text === 'string' && text !== ''
      ? textDone(event, text)
      : { kind: 'ignored', type: event.type };
  },
  'response.output_text.delta': (event) => textDelta(event, null),
  'response.output_audio_transcript.delta': (event) => textDelta(event, 'audio'),
  'response.output_text.done': (event) => textDone(event, event.text),
  'response.output_audio_transcript.done': (event) => textDone(event, event.transcript),
  'response.output_audio.delta': (event) => ({
    kind: 'audio_delta',
    itemId: event.item_id,
    responseId: event.response_id,
    audio: event.delta,
  }),
  'response.output_audio.done': (event) => ({
    kind: 'audio_done',
    itemId: event.item_id,
    responseId: event.response_id,
  }),
  'response.function_call_arguments.delta': argumentsOf,
  'response.function_call_arguments.done': argumentsOf,
  'mcp_list_tools.in_progress': mcpListing,
  'mcp_list_tools.completed': mcpListing,
  'mcp_list_tools.failed': mcpListing,
  'response.mcp_call_arguments.delta': mcpArguments,
  'response.mcp_call_arguments.done': mcpArguments,
  'response.mcp_call.in_progress': (event) => ({ kind: 'mcp_call_running', itemId: event.item_id }),
};

/**
 * Turns one Realtime server event (as read by `parseServerEvent`, beta already translated) into
 * the neutral vocabulary: an unknown type is `unknown` (counted), a known one the machine does
 * not act on (rate limits, DTMF, diarized segments…) is `ignored`. Never throws on a known event
 * that passed the reader.
 */
export function decodeRealtimeServerEvent(event: ServerEvent | UnknownEvent): RealtimeNeutralEvent {
  if ('unknown' in event && event.unknown === true) return { kind: 'unknown', type: event.type };
  const known = event as ServerEvent;
  const decode = (Object.hasOwn(DECODERS, known.type) ? DECODERS[known.type] : undefined) as
    ((event: ServerEvent) => RealtimeNeutralEvent) | undefined;
  return decode?.(known) ?? { kind: 'ignored', type: known.type };
}

// ── commands: neutral → GA client events ──

/** A GA client event before the machine gives it an `event_id`. */
export type OutgoingClientEvent = ClientEvent extends infer E
  ? E extends { event_id?: string }
    ? Omit<E, 'event_id'>
    : never
  : never;

/**
 * Writes one neutral command as the GA client event that carries it (the session serializes it in
 * its dialect); `null` for a command Realtime does not carry (GPT-Live's `mute`, `append_context`…,
 * which the capabilities keep the machine from asking for).
 */
export function encodeRealtimeCommand(command: NeutralCommand): OutgoingClientEvent | null {
  switch (command.kind) {
    case 'update_session':
      return { type: 'session.update', session: command.config };
    case 'create_response':
      return command.options === null
        ? { type: 'response.create' }
        : { type: 'response.create', response: command.options };
    case 'cancel_response':
      return { type: 'response.cancel', response_id: command.responseId };
    case 'truncate':
      return {
        type: 'conversation.item.truncate',
        item_id: command.itemId,
        content_index: 0,
        audio_end_ms: command.audioEndMs,
      };
    case 'commit_input':
      return { type: 'input_audio_buffer.commit' };
    case 'clear_input':
      return { type: 'input_audio_buffer.clear' };
    case 'clear_output_audio':
      return { type: 'output_audio_buffer.clear' };
    case 'append_audio':
      return { type: 'input_audio_buffer.append', audio: command.audio };
    case 'create_item':
      return command.previousItemId === null
        ? { type: 'conversation.item.create', item: command.item }
        : {
            type: 'conversation.item.create',
            previous_item_id: command.previousItemId,
            item: command.item,
          };
    case 'tool_output':
      return {
        type: 'conversation.item.create',
        item: { type: 'function_call_output', call_id: command.callId, output: command.output },
      };
    default:
      return null;
  }
}
