import * as z from 'zod';
import { itemSchema, responsePartSchema } from './items.js';
import { errorPayloadSchema, rateLimitSchema, responseSchema } from './response.js';
import { anySessionSchema } from './session.js';

// Every GA server event of §4.3, one loose schema each, discriminated by `type`. Every server
// event carries an `event_id` in practice; it is optional here because SIP's DTMF event has none
// and an id is never worth failing a parse over.

function serverEvent<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.looseObject({ type: z.literal(type), event_id: z.string().optional(), ...shape });
}

const responseRef = {
  response_id: z.string(),
  item_id: z.string(),
  output_index: z.number(),
  content_index: z.number(),
};
const logprobsSchema = z
  .array(
    z.looseObject({
      token: z.string().optional(),
      logprob: z.number().optional(),
      bytes: z.array(z.number()).optional(),
    }),
  )
  .nullable()
  .optional();

/** `error`: a client event failed or something went wrong; the session usually stays open. */
export const errorEventSchema = serverEvent('error', { error: errorPayloadSchema });
/** `session.created`: always the first server event; the full effective session. */
export const sessionCreatedEventSchema = serverEvent('session.created', {
  session: anySessionSchema,
});
/** `session.updated`: the full effective session after a `session.update`. */
export const sessionUpdatedEventSchema = serverEvent('session.updated', {
  session: anySessionSchema,
});
/** `conversation.created`: documented but absent from real traces; treat it as optional. */
export const conversationCreatedEventSchema = serverEvent('conversation.created', {
  conversation: z.looseObject({ id: z.string().optional(), object: z.string().optional() }),
});
/**
 * `conversation.item.added`: an item entered the conversation (model output: as it starts). The
 * beta `conversation.item.created` (still listed in some GA unions) is normalized to this.
 */
export const conversationItemAddedEventSchema = serverEvent('conversation.item.added', {
  previous_item_id: z.string().nullable().optional(),
  item: itemSchema,
});
/** `conversation.item.done`: an item is final (audio bytes are omitted). */
export const conversationItemDoneEventSchema = serverEvent('conversation.item.done', {
  previous_item_id: z.string().nullable().optional(),
  item: itemSchema,
});
/** `conversation.item.retrieved`: the full item, audio included. */
export const conversationItemRetrievedEventSchema = serverEvent('conversation.item.retrieved', {
  item: itemSchema,
});
/** `conversation.item.truncated`: an assistant audio item was cut at `audio_end_ms`. */
export const conversationItemTruncatedEventSchema = serverEvent('conversation.item.truncated', {
  item_id: z.string(),
  content_index: z.number(),
  audio_end_ms: z.number(),
});
/** `conversation.item.deleted`. */
export const conversationItemDeletedEventSchema = serverEvent('conversation.item.deleted', {
  item_id: z.string(),
});
/** `conversation.item.input_audio_transcription.delta`: streaming ASR of a user item. */
export const inputAudioTranscriptionDeltaEventSchema = serverEvent(
  'conversation.item.input_audio_transcription.delta',
  {
    item_id: z.string(),
    content_index: z.number().optional(),
    delta: z.string().optional(),
    logprobs: logprobsSchema,
  },
);
/** `conversation.item.input_audio_transcription.completed`: the final ASR transcript, billed apart. */
export const inputAudioTranscriptionCompletedEventSchema = serverEvent(
  'conversation.item.input_audio_transcription.completed',
  {
    item_id: z.string(),
    content_index: z.number().optional(),
    transcript: z.string(),
    logprobs: logprobsSchema,
    usage: z
      .union([
        z.looseObject({
          type: z.literal('tokens'),
          input_tokens: z.number().optional(),
          output_tokens: z.number().optional(),
          total_tokens: z.number().optional(),
          input_token_details: z
            .looseObject({
              text_tokens: z.number().optional(),
              audio_tokens: z.number().optional(),
            })
            .optional(),
        }),
        z.looseObject({ type: z.literal('duration'), seconds: z.number() }),
      ])
      .optional(),
  },
);
/** `conversation.item.input_audio_transcription.failed`: ASR failed for a user item. */
export const inputAudioTranscriptionFailedEventSchema = serverEvent(
  'conversation.item.input_audio_transcription.failed',
  {
    item_id: z.string(),
    content_index: z.number().optional(),
    error: z.looseObject({
      type: z.string().optional(),
      code: z.string().nullable().optional(),
      message: z.string().optional(),
      param: z.string().nullable().optional(),
    }),
  },
);
/** `conversation.item.input_audio_transcription.segment`: a diarized segment. */
export const inputAudioTranscriptionSegmentEventSchema = serverEvent(
  'conversation.item.input_audio_transcription.segment',
  {
    id: z.string(),
    item_id: z.string(),
    content_index: z.number().optional(),
    text: z.string(),
    speaker: z.string().optional(),
    start: z.number().optional(),
    end: z.number().optional(),
  },
);
/** `input_audio_buffer.committed`: the buffer became user item `item_id`. */
export const inputAudioBufferCommittedEventSchema = serverEvent('input_audio_buffer.committed', {
  previous_item_id: z.string().nullable().optional(),
  item_id: z.string(),
});
/** `input_audio_buffer.cleared`. */
export const inputAudioBufferClearedEventSchema = serverEvent('input_audio_buffer.cleared', {});
/** `input_audio_buffer.speech_started`: VAD heard speech (the barge-in signal). */
export const inputAudioBufferSpeechStartedEventSchema = serverEvent(
  'input_audio_buffer.speech_started',
  { audio_start_ms: z.number(), item_id: z.string() },
);
/** `input_audio_buffer.speech_stopped`: VAD end of speech. */
export const inputAudioBufferSpeechStoppedEventSchema = serverEvent(
  'input_audio_buffer.speech_stopped',
  { audio_end_ms: z.number(), item_id: z.string() },
);
/** `input_audio_buffer.timeout_triggered`: `idle_timeout_ms` elapsed without speech. */
export const inputAudioBufferTimeoutTriggeredEventSchema = serverEvent(
  'input_audio_buffer.timeout_triggered',
  { item_id: z.string(), audio_start_ms: z.number(), audio_end_ms: z.number() },
);
/** `input_audio_buffer.dtmf_event_received`: a keypad key over SIP. */
export const inputAudioBufferDtmfEventReceivedEventSchema = serverEvent(
  'input_audio_buffer.dtmf_event_received',
  { event: z.string(), received_at: z.number() },
);
/** `response.created`: a response started (`usage` is null until `response.done`). */
export const responseCreatedEventSchema = serverEvent('response.created', {
  response: responseSchema,
});
/** `response.done`: always sent, whatever the outcome; carries the final status and usage. */
export const responseDoneEventSchema = serverEvent('response.done', { response: responseSchema });
/** `response.output_item.added`. */
export const responseOutputItemAddedEventSchema = serverEvent('response.output_item.added', {
  response_id: z.string(),
  output_index: z.number(),
  item: itemSchema,
});
/** `response.output_item.done`: the final item (function calls are executed from here). */
export const responseOutputItemDoneEventSchema = serverEvent('response.output_item.done', {
  response_id: z.string(),
  output_index: z.number(),
  item: itemSchema,
});
/** `response.content_part.added`. */
export const responseContentPartAddedEventSchema = serverEvent('response.content_part.added', {
  ...responseRef,
  part: responsePartSchema,
});
/** `response.content_part.done`. */
export const responseContentPartDoneEventSchema = serverEvent('response.content_part.done', {
  ...responseRef,
  part: responsePartSchema,
});
/** `response.output_text.delta`. */
export const responseOutputTextDeltaEventSchema = serverEvent('response.output_text.delta', {
  ...responseRef,
  delta: z.string(),
});
/** `response.output_text.done`. */
export const responseOutputTextDoneEventSchema = serverEvent('response.output_text.done', {
  ...responseRef,
  text: z.string(),
});
/** `response.output_audio.delta`: base64 audio in the session's output format (WebSocket only). */
export const responseOutputAudioDeltaEventSchema = serverEvent('response.output_audio.delta', {
  ...responseRef,
  delta: z.string(),
});
/** `response.output_audio.done`: end of an audio part (also on cancel). */
export const responseOutputAudioDoneEventSchema = serverEvent('response.output_audio.done', {
  ...responseRef,
});
/** `response.output_audio_transcript.delta`. */
export const responseOutputAudioTranscriptDeltaEventSchema = serverEvent(
  'response.output_audio_transcript.delta',
  { ...responseRef, delta: z.string() },
);
/** `response.output_audio_transcript.done`. */
export const responseOutputAudioTranscriptDoneEventSchema = serverEvent(
  'response.output_audio_transcript.done',
  { ...responseRef, transcript: z.string() },
);
/** `response.function_call_arguments.delta`. */
export const responseFunctionCallArgumentsDeltaEventSchema = serverEvent(
  'response.function_call_arguments.delta',
  {
    response_id: z.string(),
    item_id: z.string(),
    output_index: z.number(),
    call_id: z.string(),
    delta: z.string(),
  },
);
/** `response.function_call_arguments.done` (`name` only since 2026; read it from the item). */
export const responseFunctionCallArgumentsDoneEventSchema = serverEvent(
  'response.function_call_arguments.done',
  {
    response_id: z.string(),
    item_id: z.string(),
    output_index: z.number(),
    call_id: z.string(),
    arguments: z.string(),
    name: z.string().optional(),
  },
);
const mcpRef = { item_id: z.string(), output_index: z.number() };
/** `response.mcp_call_arguments.delta`. */
export const responseMcpCallArgumentsDeltaEventSchema = serverEvent(
  'response.mcp_call_arguments.delta',
  { ...mcpRef, response_id: z.string(), delta: z.string() },
);
/** `response.mcp_call_arguments.done`. */
export const responseMcpCallArgumentsDoneEventSchema = serverEvent(
  'response.mcp_call_arguments.done',
  { ...mcpRef, response_id: z.string(), arguments: z.string() },
);
/** `response.mcp_call.in_progress`. */
export const responseMcpCallInProgressEventSchema = serverEvent(
  'response.mcp_call.in_progress',
  mcpRef,
);
/** `response.mcp_call.completed`. */
export const responseMcpCallCompletedEventSchema = serverEvent(
  'response.mcp_call.completed',
  mcpRef,
);
/** `response.mcp_call.failed`. */
export const responseMcpCallFailedEventSchema = serverEvent('response.mcp_call.failed', mcpRef);
/** `mcp_list_tools.in_progress`. */
export const mcpListToolsInProgressEventSchema = serverEvent('mcp_list_tools.in_progress', {
  item_id: z.string(),
});
/** `mcp_list_tools.completed`. */
export const mcpListToolsCompletedEventSchema = serverEvent('mcp_list_tools.completed', {
  item_id: z.string(),
});
/** `mcp_list_tools.failed`. */
export const mcpListToolsFailedEventSchema = serverEvent('mcp_list_tools.failed', {
  item_id: z.string(),
});
/** `rate_limits.updated`: timing varies; never depend on it. */
export const rateLimitsUpdatedEventSchema = serverEvent('rate_limits.updated', {
  rate_limits: z.array(rateLimitSchema),
});
/** `output_audio_buffer.started`: WebRTC/SIP playback started. */
export const outputAudioBufferStartedEventSchema = serverEvent('output_audio_buffer.started', {
  response_id: z.string().optional(),
});
/** `output_audio_buffer.stopped`: WebRTC/SIP playback drained. */
export const outputAudioBufferStoppedEventSchema = serverEvent('output_audio_buffer.stopped', {
  response_id: z.string().optional(),
});
/** `output_audio_buffer.cleared`: WebRTC/SIP playback cleared (barge-in or client clear). */
export const outputAudioBufferClearedEventSchema = serverEvent('output_audio_buffer.cleared', {
  response_id: z.string().optional(),
});

/** Every GA server event schema, keyed by its `type`. */
export const serverEventSchemas = {
  error: errorEventSchema,
  'session.created': sessionCreatedEventSchema,
  'session.updated': sessionUpdatedEventSchema,
  'conversation.created': conversationCreatedEventSchema,
  'conversation.item.added': conversationItemAddedEventSchema,
  'conversation.item.done': conversationItemDoneEventSchema,
  'conversation.item.retrieved': conversationItemRetrievedEventSchema,
  'conversation.item.truncated': conversationItemTruncatedEventSchema,
  'conversation.item.deleted': conversationItemDeletedEventSchema,
  'conversation.item.input_audio_transcription.delta': inputAudioTranscriptionDeltaEventSchema,
  'conversation.item.input_audio_transcription.completed':
    inputAudioTranscriptionCompletedEventSchema,
  'conversation.item.input_audio_transcription.failed': inputAudioTranscriptionFailedEventSchema,
  'conversation.item.input_audio_transcription.segment': inputAudioTranscriptionSegmentEventSchema,
  'input_audio_buffer.committed': inputAudioBufferCommittedEventSchema,
  'input_audio_buffer.cleared': inputAudioBufferClearedEventSchema,
  'input_audio_buffer.speech_started': inputAudioBufferSpeechStartedEventSchema,
  'input_audio_buffer.speech_stopped': inputAudioBufferSpeechStoppedEventSchema,
  'input_audio_buffer.timeout_triggered': inputAudioBufferTimeoutTriggeredEventSchema,
  'input_audio_buffer.dtmf_event_received': inputAudioBufferDtmfEventReceivedEventSchema,
  'response.created': responseCreatedEventSchema,
  'response.done': responseDoneEventSchema,
  'response.output_item.added': responseOutputItemAddedEventSchema,
  'response.output_item.done': responseOutputItemDoneEventSchema,
  'response.content_part.added': responseContentPartAddedEventSchema,
  'response.content_part.done': responseContentPartDoneEventSchema,
  'response.output_text.delta': responseOutputTextDeltaEventSchema,
  'response.output_text.done': responseOutputTextDoneEventSchema,
  'response.output_audio.delta': responseOutputAudioDeltaEventSchema,
  'response.output_audio.done': responseOutputAudioDoneEventSchema,
  'response.output_audio_transcript.delta': responseOutputAudioTranscriptDeltaEventSchema,
  'response.output_audio_transcript.done': responseOutputAudioTranscriptDoneEventSchema,
  'response.function_call_arguments.delta': responseFunctionCallArgumentsDeltaEventSchema,
  'response.function_call_arguments.done': responseFunctionCallArgumentsDoneEventSchema,
  'response.mcp_call_arguments.delta': responseMcpCallArgumentsDeltaEventSchema,
  'response.mcp_call_arguments.done': responseMcpCallArgumentsDoneEventSchema,
  'response.mcp_call.in_progress': responseMcpCallInProgressEventSchema,
  'response.mcp_call.completed': responseMcpCallCompletedEventSchema,
  'response.mcp_call.failed': responseMcpCallFailedEventSchema,
  'mcp_list_tools.in_progress': mcpListToolsInProgressEventSchema,
  'mcp_list_tools.completed': mcpListToolsCompletedEventSchema,
  'mcp_list_tools.failed': mcpListToolsFailedEventSchema,
  'rate_limits.updated': rateLimitsUpdatedEventSchema,
  'output_audio_buffer.started': outputAudioBufferStartedEventSchema,
  'output_audio_buffer.stopped': outputAudioBufferStoppedEventSchema,
  'output_audio_buffer.cleared': outputAudioBufferClearedEventSchema,
} as const;

/** Any GA server event, discriminated by `type`. */
export const serverEventSchema = z.discriminatedUnion('type', [
  errorEventSchema,
  sessionCreatedEventSchema,
  sessionUpdatedEventSchema,
  conversationCreatedEventSchema,
  conversationItemAddedEventSchema,
  conversationItemDoneEventSchema,
  conversationItemRetrievedEventSchema,
  conversationItemTruncatedEventSchema,
  conversationItemDeletedEventSchema,
  inputAudioTranscriptionDeltaEventSchema,
  inputAudioTranscriptionCompletedEventSchema,
  inputAudioTranscriptionFailedEventSchema,
  inputAudioTranscriptionSegmentEventSchema,
  inputAudioBufferCommittedEventSchema,
  inputAudioBufferClearedEventSchema,
  inputAudioBufferSpeechStartedEventSchema,
  inputAudioBufferSpeechStoppedEventSchema,
  inputAudioBufferTimeoutTriggeredEventSchema,
  inputAudioBufferDtmfEventReceivedEventSchema,
  responseCreatedEventSchema,
  responseDoneEventSchema,
  responseOutputItemAddedEventSchema,
  responseOutputItemDoneEventSchema,
  responseContentPartAddedEventSchema,
  responseContentPartDoneEventSchema,
  responseOutputTextDeltaEventSchema,
  responseOutputTextDoneEventSchema,
  responseOutputAudioDeltaEventSchema,
  responseOutputAudioDoneEventSchema,
  responseOutputAudioTranscriptDeltaEventSchema,
  responseOutputAudioTranscriptDoneEventSchema,
  responseFunctionCallArgumentsDeltaEventSchema,
  responseFunctionCallArgumentsDoneEventSchema,
  responseMcpCallArgumentsDeltaEventSchema,
  responseMcpCallArgumentsDoneEventSchema,
  responseMcpCallInProgressEventSchema,
  responseMcpCallCompletedEventSchema,
  responseMcpCallFailedEventSchema,
  mcpListToolsInProgressEventSchema,
  mcpListToolsCompletedEventSchema,
  mcpListToolsFailedEventSchema,
  rateLimitsUpdatedEventSchema,
  outputAudioBufferStartedEventSchema,
  outputAudioBufferStoppedEventSchema,
  outputAudioBufferClearedEventSchema,
]);

/** Any GA server event. Narrow on `type`, or use {@link ServerEventOf}. */
export type ServerEvent = z.infer<typeof serverEventSchema>;
/** The type of one server event, e.g. `ServerEventOf<'response.done'>`. */
export type ServerEventOf<T extends ServerEvent['type']> = Extract<ServerEvent, { type: T }>;
/** The `type` of every GA server event. */
export type ServerEventType = ServerEvent['type'];

/** Transcription usage as reported by `…input_audio_transcription.completed`. */
export type TranscriptionUsage = NonNullable<
  ServerEventOf<'conversation.item.input_audio_transcription.completed'>['usage']
>;
