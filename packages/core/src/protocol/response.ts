import * as z from 'zod';
import { clientItemSchema, itemReferenceSchema, itemSchema } from './items.js';
import { lenient, optionalDetail } from './lenient.js';
import {
  anyToolSchema,
  audioFormatSchema,
  maxOutputTokensSchema,
  outputModalitiesSchema,
  reasoningSchema,
  toolChoiceSchema,
  voiceSchema,
} from './session.js';

// Responses, usage, errors and rate limits (§2, §3.8, §6.1).

const cachedTokensDetailsSchema = z.looseObject({
  text_tokens: z.number().optional(),
  audio_tokens: z.number().optional(),
  image_tokens: z.number().optional(),
});

/**
 * Token usage of one response (§6.1). `cached_tokens` is a subset of the input tokens. Detail
 * objects that a logger elided (`"[Object]"`) are dropped with a warning, not fatal.
 */
export const usageSchema = z.looseObject({
  total_tokens: z.number().optional(),
  input_tokens: z.number().optional(),
  output_tokens: z.number().optional(),
  input_token_details: optionalDetail(
    z.looseObject({
      text_tokens: z.number().optional(),
      audio_tokens: z.number().optional(),
      image_tokens: z.number().optional(),
      cached_tokens: z.number().optional(),
      cached_tokens_details: optionalDetail(cachedTokensDetailsSchema, 'cached_tokens_details'),
    }),
    'input_token_details',
  ),
  output_token_details: optionalDetail(
    z.looseObject({ text_tokens: z.number().optional(), audio_tokens: z.number().optional() }),
    'output_token_details',
  ),
});
/** Token usage of one response. */
export type Usage = z.infer<typeof usageSchema>;

/** The `error` object of an `error` event (§3.8); `event_id` echoes the offending client event. */
export const errorPayloadSchema = z.looseObject({
  // Always present from OpenAI; optional because compatible servers omit it, and an error must
  // reach the user as a server error, not as a protocol error about its own shape.
  type: z.string().optional(),
  code: z.string().nullable().optional(),
  message: z.string(),
  param: z.string().nullable().optional(),
  event_id: z.string().nullable().optional(),
});
/** The `error` object of an `error` event. */
export type RealtimeErrorPayload = z.infer<typeof errorPayloadSchema>;

/** One entry of `rate_limits.updated`. */
export const rateLimitSchema = z.looseObject({
  name: z.string().optional(),
  limit: z.number().optional(),
  remaining: z.number().optional(),
  reset_seconds: z.number().optional(),
});
/** One entry of `rate_limits.updated`. */
export type RateLimit = z.infer<typeof rateLimitSchema>;

/** Why a response ended the way it did. */
export const responseStatusDetailsSchema = z.looseObject({
  type: z.string().optional(),
  reason: z.string().optional(),
  error: z
    .looseObject({ type: z.string().optional(), code: z.string().nullable().optional() })
    .nullable()
    .optional(),
});

/** Response status: `in_progress` until `response.done` gives the final one. */
export const responseStatusSchema = z.enum([
  'in_progress',
  'completed',
  'cancelled',
  'incomplete',
  'failed',
]);

/** A response (`resp_…`) as carried by `response.created` and `response.done`. */
export const responseSchema = z.looseObject({
  // Optional in the official types; the machine then takes the response it is waiting for.
  id: z.string().optional(),
  object: z.string().optional(),
  status: responseStatusSchema.optional(),
  status_details: responseStatusDetailsSchema.nullable().optional(),
  // Output items are snapshots; elided or unknown ones are kept as `{ type: 'unparsed', raw }`.
  output: z.array(lenient(itemSchema, 'output item')).optional(),
  conversation_id: z.string().nullable().optional(),
  output_modalities: outputModalitiesSchema.optional(),
  max_output_tokens: maxOutputTokensSchema.optional(),
  audio: z
    .looseObject({
      output: z
        .looseObject({ format: audioFormatSchema.optional(), voice: voiceSchema.optional() })
        .optional(),
    })
    .optional(),
  usage: usageSchema.nullable().optional(),
  metadata: z.record(z.string(), z.unknown()).nullable().optional(),
});
/** A response as carried by `response.created` and `response.done`. */
export type RealtimeResponse = z.infer<typeof responseSchema>;

/** Per-response overrides of `response.create` (§4.5). */
export const responseCreateParamsSchema = z.looseObject({
  conversation: z.string().optional(),
  input: z.array(z.union([itemReferenceSchema, clientItemSchema])).optional(),
  instructions: z.string().optional(),
  output_modalities: outputModalitiesSchema.optional(),
  audio: z
    .looseObject({
      output: z
        .looseObject({ format: audioFormatSchema.optional(), voice: voiceSchema.optional() })
        .optional(),
    })
    .optional(),
  tools: z.array(anyToolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  max_output_tokens: maxOutputTokensSchema.optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  prompt: z.unknown().optional(),
  reasoning: reasoningSchema.nullable().optional(),
  parallel_tool_calls: z.boolean().optional(),
});
/** Per-response overrides of `response.create`. */
export type ResponseCreateParams = z.infer<typeof responseCreateParamsSchema>;
