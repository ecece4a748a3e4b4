import * as z from 'zod';
import { clientItemSchema, itemReferenceSchema } from './items.js';
import { responseSchema } from './response.js';
import {
  anyToolSchema,
  maxOutputTokensSchema,
  noiseReductionSchema,
  toolChoiceSchema,
  transcriptionSchema,
  turnDetectionSchema,
} from './session.js';

// The beta dialect (§3.1–3.5): a flat session, different event and content names, `temperature`.
// Only what differs from GA has a schema here; beta-session.ts and beta-events.ts map both ways.

/** Beta audio format names. */
export const betaAudioFormatSchema = z.enum(['pcm16', 'g711_ulaw', 'g711_alaw']);
/** A beta audio format name. */
export type BetaAudioFormat = z.infer<typeof betaAudioFormatSchema>;

/**
 * The beta session object (§3.3), also the "flat" session config of the seeds. Used by beta
 * `session.update` (a partial patch), `session.created` / `session.updated`, and as the input of
 * {@link translateBetaSessionConfig}.
 */
export const betaSessionSchema = z.looseObject({
  id: z.string().optional(),
  object: z.string().optional(),
  model: z.string().optional(),
  expires_at: z.number().optional(),
  modalities: z.array(z.enum(['text', 'audio'])).optional(),
  instructions: z.string().optional(),
  voice: z.string().optional(),
  input_audio_format: betaAudioFormatSchema.optional(),
  output_audio_format: betaAudioFormatSchema.optional(),
  input_audio_transcription: transcriptionSchema.nullable().optional(),
  input_audio_noise_reduction: noiseReductionSchema.nullable().optional(),
  turn_detection: turnDetectionSchema.nullable().optional(),
  tools: z.array(anyToolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  temperature: z.number().optional(),
  max_response_output_tokens: maxOutputTokensSchema.optional(),
  // The Oct-2024 spec's name for `max_response_output_tokens`.
  max_output_tokens: maxOutputTokensSchema.optional(),
  speed: z.number().optional(),
  tracing: z.unknown().optional(),
  include: z.array(z.string()).nullable().optional(),
  client_secret: z.unknown().optional(),
});
/** A beta (flat) session config, as in the seeds. */
export type BetaSessionConfig = z.infer<typeof betaSessionSchema>;

/** Beta `transcription_session.update` / `.updated` session. */
export const betaTranscriptionSessionSchema = z.looseObject({
  input_audio_format: betaAudioFormatSchema.optional(),
  input_audio_transcription: transcriptionSchema.nullable().optional(),
  input_audio_noise_reduction: noiseReductionSchema.nullable().optional(),
  turn_detection: turnDetectionSchema.nullable().optional(),
  include: z.array(z.string()).nullable().optional(),
  modalities: z.array(z.enum(['text', 'audio'])).optional(),
  client_secret: z.unknown().optional(),
});

/** Beta `response.create.response` overrides (§3.5). */
export const betaResponseCreateParamsSchema = z.looseObject({
  modalities: z.array(z.enum(['text', 'audio'])).optional(),
  instructions: z.string().optional(),
  voice: z.string().optional(),
  output_audio_format: betaAudioFormatSchema.optional(),
  tools: z.array(anyToolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  temperature: z.number().optional(),
  max_response_output_tokens: maxOutputTokensSchema.optional(),
  conversation: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  input: z.array(z.union([itemReferenceSchema, clientItemSchema])).optional(),
});

/** The beta response object: GA's plus `modalities`, `voice`, `output_audio_format`, `temperature`. */
export const betaResponseSchema = responseSchema.extend({
  modalities: z.array(z.enum(['text', 'audio'])).optional(),
  voice: z.string().optional(),
  output_audio_format: betaAudioFormatSchema.optional(),
  temperature: z.number().optional(),
});

/** Beta server event schemas whose payload differs from GA's (keyed by beta name). */
export const betaServerEventSchemas = {
  'session.created': z.looseObject({
    type: z.literal('session.created'),
    event_id: z.string().optional(),
    session: betaSessionSchema,
  }),
  'session.updated': z.looseObject({
    type: z.literal('session.updated'),
    event_id: z.string().optional(),
    session: betaSessionSchema,
  }),
  'transcription_session.updated': z.looseObject({
    type: z.literal('transcription_session.updated'),
    event_id: z.string().optional(),
    session: betaTranscriptionSessionSchema,
  }),
  'response.created': z.looseObject({
    type: z.literal('response.created'),
    event_id: z.string().optional(),
    response: betaResponseSchema,
  }),
  'response.done': z.looseObject({
    type: z.literal('response.done'),
    event_id: z.string().optional(),
    response: betaResponseSchema,
  }),
} as const;

/** Beta client event schemas whose payload differs from GA's (keyed by beta name). */
export const betaClientEventSchemas = {
  'session.update': z.looseObject({
    type: z.literal('session.update'),
    event_id: z.string().optional(),
    session: betaSessionSchema,
  }),
  'transcription_session.update': z.looseObject({
    type: z.literal('transcription_session.update'),
    event_id: z.string().optional(),
    session: betaTranscriptionSessionSchema,
  }),
  'response.create': z.looseObject({
    type: z.literal('response.create'),
    event_id: z.string().optional(),
    response: betaResponseCreateParamsSchema.optional(),
  }),
} as const;
