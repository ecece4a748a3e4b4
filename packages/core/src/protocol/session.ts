import * as z from 'zod';
import { REASONING_EFFORTS } from './models.js';

// GA session configuration (§4.4 of the protocol reference). Objects are loose: the API adds
// fields over time and a parse must never fail because of one it does not know yet.

/** Audio format of one direction of a GA session: PCM16 24 kHz, G.711 µ-law or A-law. */
export const audioFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('audio/pcm'), rate: z.number().optional() }),
  z.looseObject({ type: z.literal('audio/pcmu') }),
  z.looseObject({ type: z.literal('audio/pcma') }),
]);
/** Audio format of one direction of a GA session. */
export type AudioFormat = z.infer<typeof audioFormatSchema>;

/** A built-in voice name (`alloy`, `marin`, …) or a custom voice `{ id }`. */
export const voiceSchema = z.union([z.string(), z.looseObject({ id: z.string() })]);
/** A built-in voice name or a custom voice. */
export type Voice = z.infer<typeof voiceSchema>;

/** Server-side voice activity detection (§3.4); also used by the beta dialect. */
export const turnDetectionSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('server_vad'),
    threshold: z.number().optional(),
    prefix_padding_ms: z.number().optional(),
    silence_duration_ms: z.number().optional(),
    idle_timeout_ms: z.number().nullable().optional(),
    create_response: z.boolean().optional(),
    interrupt_response: z.boolean().optional(),
  }),
  z.looseObject({
    type: z.literal('semantic_vad'),
    eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
    create_response: z.boolean().optional(),
    interrupt_response: z.boolean().optional(),
  }),
]);
/** Turn detection settings: `server_vad` or `semantic_vad`. */
export type TurnDetection = z.infer<typeof turnDetectionSchema>;

/** Input transcription settings (ASR model, language hints, keywords, prompt, delay). */
export const transcriptionSchema = z.looseObject({
  // Servers report unset fields as null (beta `session.updated` shows `prompt: null`).
  model: z.string().nullish(),
  language: z.string().nullish(),
  /** Possible languages (ISO 639-1), for `gpt-transcribe` and `gpt-live-transcribe`. */
  languages: z.array(z.string()).nullish(),
  /** Words or phrases that guide transcription (`gpt-transcribe`, `gpt-live-transcribe`). */
  keywords: z.array(z.string()).nullish(),
  prompt: z.string().nullish(),
  /** How long transcription waits before emitting text (`gpt-realtime-whisper`). */
  delay: z.enum(REASONING_EFFORTS).nullish(),
});
/** Input transcription settings. */
export type TranscriptionConfig = z.infer<typeof transcriptionSchema>;

/** Input noise reduction: near-field (headset) or far-field (laptop, room) microphones. */
export const noiseReductionSchema = z.looseObject({
  type: z.enum(['near_field', 'far_field']).optional(),
  strength: z.number().optional(),
});

/**
 * A function tool the model may call; `parameters` is a JSON Schema object. `type` may be left
 * out (the official types make it optional; the API defaults it to `function`).
 */
export const toolSchema = z.looseObject({
  type: z.literal('function').optional(),
  name: z.string(),
  description: z.string().optional(),
  parameters: z.unknown().optional(),
});
/** A function tool definition as sent on the wire. */
export type Tool = z.infer<typeof toolSchema>;

/** A remote MCP server the model may use as a tool source (GA only). */
export const mcpToolSchema = z.looseObject({
  type: z.literal('mcp'),
  server_label: z.string(),
  server_url: z.string().optional(),
  connector_id: z.string().optional(),
  authorization: z.string().optional(),
  headers: z.record(z.string(), z.string()).nullable().optional(),
  allowed_tools: z.unknown().optional(),
  require_approval: z.unknown().optional(),
  server_description: z.string().optional(),
});
/** An MCP tool definition. */
export type McpTool = z.infer<typeof mcpToolSchema>;

/** Any tool of a session or response: an MCP server, or a function (with or without `type`). */
export const anyToolSchema = z.union([mcpToolSchema, toolSchema]);

/** Which tool the model must (or must not) call. */
export const toolChoiceSchema = z.union([
  z.enum(['none', 'auto', 'required']),
  z.looseObject({ type: z.literal('function'), name: z.string() }),
  z.looseObject({
    type: z.literal('mcp'),
    server_label: z.string(),
    name: z.string().nullable().optional(),
  }),
]);
/** Which tool the model must (or must not) call. */
export type ToolChoice = z.infer<typeof toolChoiceSchema>;

/** Output token cap: 1 to 4096 (more on later models) or `"inf"`. */
export const maxOutputTokensSchema = z.union([z.number(), z.literal('inf')]);

/** Output modalities of GA: `["audio"]` (audio always carries a transcript) or `["text"]`. */
export const outputModalitiesSchema = z.array(z.enum(['audio', 'text']));

const tracingSchema = z
  .union([
    z.literal('auto'),
    z.looseObject({
      workflow_name: z.string().optional(),
      group_id: z.string().optional(),
      metadata: z.unknown().optional(),
    }),
  ])
  .nullable();

const truncationSchema = z.union([
  z.enum(['auto', 'disabled']),
  z.looseObject({
    type: z.literal('retention_ratio'),
    retention_ratio: z.number(),
    token_limits: z.looseObject({ post_instructions: z.number().optional() }).optional(),
  }),
]);

const promptSchema = z
  .looseObject({
    id: z.string(),
    version: z.string().nullable().optional(),
    variables: z.record(z.string(), z.unknown()).nullable().optional(),
  })
  .nullable();

/** Reasoning settings of a session or response: `effort` from `minimal` to `xhigh`. */
export const reasoningSchema = z.looseObject({ effort: z.enum(REASONING_EFFORTS).nullish() });
/** Reasoning settings of a session or response. */
export type Reasoning = z.infer<typeof reasoningSchema>;

const audioInputSchema = z.looseObject({
  format: audioFormatSchema.optional(),
  transcription: transcriptionSchema.nullable().optional(),
  noise_reduction: noiseReductionSchema.nullable().optional(),
  turn_detection: turnDetectionSchema.nullable().optional(),
});

const audioOutputSchema = z.looseObject({
  format: audioFormatSchema.optional(),
  voice: voiceSchema.optional(),
  speed: z.number().optional(),
});

/**
 * The GA `realtime` session: what `session.update` sends (a partial patch, `type` required) and
 * what `session.created` / `session.updated` return (the full effective config).
 */
export const sessionConfigSchema = z.looseObject({
  type: z.literal('realtime'),
  object: z.string().optional(),
  id: z.string().optional(),
  model: z.string().optional(),
  expires_at: z.number().optional(),
  output_modalities: outputModalitiesSchema.optional(),
  instructions: z.string().optional(),
  audio: z
    .looseObject({ input: audioInputSchema.optional(), output: audioOutputSchema.optional() })
    .optional(),
  tools: z.array(anyToolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  max_output_tokens: maxOutputTokensSchema.optional(),
  tracing: tracingSchema.optional(),
  truncation: truncationSchema.optional(),
  prompt: promptSchema.optional(),
  include: z.array(z.string()).nullable().optional(),
  /** Reasoning models (the gpt-realtime-2 family): how hard the model thinks before it answers. */
  reasoning: reasoningSchema.nullable().optional(),
  /** Whether the model may call several tools in one response. */
  parallel_tool_calls: z.boolean().optional(),
});
/** A GA realtime session configuration. */
export type SessionConfig = z.infer<typeof sessionConfigSchema>;

/**
 * A GA session configuration patch (`session.update` payload), e.g.
 * `{ instructions: 'Be brief.', audio: { output: { voice: 'marin' } } }`: the protocol layer's
 * `SessionConfig` (inferred from its zod schema), every field optional. Only the fields present
 * are changed; `type: 'realtime'` is added when sent.
 */
export type SessionConfigPatch = Partial<SessionConfig>;

/** A GA transcription-only session (`?intent=transcription`). */
export const transcriptionSessionSchema = z.looseObject({
  type: z.literal('transcription'),
  object: z.string().optional(),
  id: z.string().optional(),
  expires_at: z.number().optional(),
  audio: z.looseObject({ input: audioInputSchema.optional() }).optional(),
  include: z.array(z.string()).nullable().optional(),
});
/** A GA transcription-only session configuration. */
export type TranscriptionSessionConfig = z.infer<typeof transcriptionSessionSchema>;

/** Either kind of GA session, discriminated by `type`. */
export const anySessionSchema = z.discriminatedUnion('type', [
  sessionConfigSchema,
  transcriptionSessionSchema,
]);
/** Either kind of GA session. */
export type AnySessionConfig = z.infer<typeof anySessionSchema>;
