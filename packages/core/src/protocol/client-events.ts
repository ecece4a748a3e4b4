import * as z from 'zod';
import { clientItemSchema } from './items.js';
import { responseCreateParamsSchema } from './response.js';
import { anySessionSchema } from './session.js';

// Every GA client event of §4.2. `event_id` is optional but worth sending: the server echoes it
// in `error.event_id`, which is how an error is matched to the event that caused it.

function clientEvent<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.looseObject({ type: z.literal(type), event_id: z.string().optional(), ...shape });
}

/** `session.update`: patch the session (only the fields present change; `type` is required). */
export const sessionUpdateEventSchema = clientEvent('session.update', {
  session: anySessionSchema,
});
/** `input_audio_buffer.append`: base64 audio in the input format; the server never acknowledges it. */
export const inputAudioBufferAppendEventSchema = clientEvent('input_audio_buffer.append', {
  audio: z.string(),
});
/** `input_audio_buffer.commit`: turn the buffer into a user item (needs ≥ 100 ms of audio). */
export const inputAudioBufferCommitEventSchema = clientEvent('input_audio_buffer.commit', {});
/** `input_audio_buffer.clear`. */
export const inputAudioBufferClearEventSchema = clientEvent('input_audio_buffer.clear', {});
/** `conversation.item.create`: add an item (`previous_item_id: "root"` inserts at the start). */
export const conversationItemCreateEventSchema = clientEvent('conversation.item.create', {
  previous_item_id: z.string().nullable().optional(),
  item: clientItemSchema,
});
/** `conversation.item.retrieve`: ask for the full item, audio included. */
export const conversationItemRetrieveEventSchema = clientEvent('conversation.item.retrieve', {
  item_id: z.string(),
});
/** `conversation.item.truncate`: cut an assistant audio item at what the user actually heard. */
export const conversationItemTruncateEventSchema = clientEvent('conversation.item.truncate', {
  item_id: z.string(),
  content_index: z.number().int().nonnegative(),
  audio_end_ms: z.number().int().nonnegative(),
});
/** `conversation.item.delete`. */
export const conversationItemDeleteEventSchema = clientEvent('conversation.item.delete', {
  item_id: z.string(),
});
/** `response.create`: start a response, optionally with per-response overrides. */
export const responseCreateEventSchema = clientEvent('response.create', {
  response: responseCreateParamsSchema.optional(),
});
/** `response.cancel`: only while a response is active (else a benign error). */
export const responseCancelEventSchema = clientEvent('response.cancel', {
  response_id: z.string().optional(),
});
/** `output_audio_buffer.clear`: WebRTC/SIP only; send `response.cancel` first. */
export const outputAudioBufferClearEventSchema = clientEvent('output_audio_buffer.clear', {});

/** Every GA client event schema, keyed by its `type`. */
export const clientEventSchemas = {
  'session.update': sessionUpdateEventSchema,
  'input_audio_buffer.append': inputAudioBufferAppendEventSchema,
  'input_audio_buffer.commit': inputAudioBufferCommitEventSchema,
  'input_audio_buffer.clear': inputAudioBufferClearEventSchema,
  'conversation.item.create': conversationItemCreateEventSchema,
  'conversation.item.retrieve': conversationItemRetrieveEventSchema,
  'conversation.item.truncate': conversationItemTruncateEventSchema,
  'conversation.item.delete': conversationItemDeleteEventSchema,
  'response.create': responseCreateEventSchema,
  'response.cancel': responseCancelEventSchema,
  'output_audio_buffer.clear': outputAudioBufferClearEventSchema,
} as const;

/** Any GA client event, discriminated by `type`. */
export const clientEventSchema = z.discriminatedUnion('type', [
  sessionUpdateEventSchema,
  inputAudioBufferAppendEventSchema,
  inputAudioBufferCommitEventSchema,
  inputAudioBufferClearEventSchema,
  conversationItemCreateEventSchema,
  conversationItemRetrieveEventSchema,
  conversationItemTruncateEventSchema,
  conversationItemDeleteEventSchema,
  responseCreateEventSchema,
  responseCancelEventSchema,
  outputAudioBufferClearEventSchema,
]);

/** Any GA client event. */
export type ClientEvent = z.infer<typeof clientEventSchema>;
/** The type of one client event, e.g. `ClientEventOf<'response.create'>`. */
export type ClientEventOf<T extends ClientEvent['type']> = Extract<ClientEvent, { type: T }>;
/** The `type` of every GA client event. */
export type ClientEventType = ClientEvent['type'];
