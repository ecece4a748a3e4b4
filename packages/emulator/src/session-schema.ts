import { REALTIME_VOICES, REASONING_EFFORTS } from '@parley/core';
import { z } from 'zod';

// The strict zod schemas of a GA `session.update` patch; `session-issues.ts` turns their first
// issue into the error text the real server sends.

const audioFormatSchema = z.union([
  z.strictObject({ type: z.literal('audio/pcm'), rate: z.literal(24000).optional() }),
  z.strictObject({ type: z.literal('audio/pcmu') }),
  z.strictObject({ type: z.literal('audio/pcma') }),
]);

const serverVadPatchSchema = z.strictObject({
  type: z.literal('server_vad').optional(),
  threshold: z.number().min(0).max(1).optional(),
  prefix_padding_ms: z.number().int().min(0).optional(),
  silence_duration_ms: z.number().int().min(0).optional(),
  idle_timeout_ms: z.number().int().min(0).nullable().optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});

const semanticVadPatchSchema = z.strictObject({
  type: z.literal('semantic_vad'),
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).optional(),
  create_response: z.boolean().optional(),
  interrupt_response: z.boolean().optional(),
});

const mcpToolSchema = z.strictObject({
  type: z.literal('mcp'),
  server_label: z.string().min(1),
  server_url: z.string().optional(),
  connector_id: z.string().optional(),
  authorization: z.string().optional(),
  headers: z.record(z.string(), z.string()).nullable().optional(),
  allowed_tools: z
    .union([
      z.array(z.string()),
      z.strictObject({
        tool_names: z.array(z.string()).optional(),
        read_only: z.boolean().optional(),
      }),
    ])
    .nullable()
    .optional(),
  require_approval: z
    .union([
      z.enum(['always', 'never']),
      z.strictObject({
        always: z
          .strictObject({
            tool_names: z.array(z.string()).optional(),
            read_only: z.boolean().optional(),
          })
          .nullable()
          .optional(),
        never: z
          .strictObject({
            tool_names: z.array(z.string()).optional(),
            read_only: z.boolean().optional(),
          })
          .nullable()
          .optional(),
      }),
    ])
    .nullable()
    .optional(),
  server_description: z.string().optional(),
});

/** An MCP server as a session or response carries it. */
export type McpToolConfig = z.infer<typeof mcpToolSchema>;

// `type` may be left out of a function tool: the official types make it optional and the API
// defaults it (the session then reports `type: "function"`).
export const toolSchema = z.union([
  mcpToolSchema,
  z
    .strictObject({
      type: z.literal('function').optional(),
      name: z.string().min(1).max(64),
      description: z.string().optional(),
      parameters: z.record(z.string(), z.unknown()).optional(),
    })
    .transform((tool) => ({ ...tool, type: 'function' as const })),
]);

const toolChoiceSchema = z.union([
  z.enum(['auto', 'none', 'required']),
  z.strictObject({ type: z.literal('function'), name: z.string() }),
  z.strictObject({
    type: z.literal('mcp'),
    server_label: z.string(),
    name: z.string().nullable().optional(),
  }),
]);

const maxOutputTokensSchema = z.union([z.number().int().min(1).max(4096), z.literal('inf')]);

/** GA `session.update.session` patch. `type` is required by the GA server. */
export const sessionPatchSchema = z.strictObject({
  type: z.enum(['realtime', 'transcription']),
  object: z.literal('realtime.session').optional(),
  id: z.string().optional(),
  model: z.string().optional(),
  output_modalities: z
    .array(z.enum(['audio', 'text']))
    .min(1)
    .max(1)
    .optional(),
  instructions: z.string().optional(),
  tools: z.array(toolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  max_output_tokens: maxOutputTokensSchema.optional(),
  tracing: z.unknown().optional(),
  truncation: z.unknown().optional(),
  prompt: z.unknown().optional(),
  expires_at: z.number().optional(),
  include: z.array(z.literal('item.input_audio_transcription.logprobs')).nullable().optional(),
  audio: z
    .strictObject({
      input: z
        .strictObject({
          format: audioFormatSchema.optional(),
          transcription: z
            .strictObject({
              model: z.string(),
              language: z.string().optional(),
              languages: z.array(z.string()).optional(),
              keywords: z.array(z.string()).optional(),
              prompt: z.string().optional(),
              delay: z.enum(['minimal', 'low', 'medium', 'high', 'xhigh']).optional(),
            })
            .nullable()
            .optional(),
          noise_reduction: z
            .strictObject({
              type: z.enum(['near_field', 'far_field']),
              strength: z.number().optional(),
            })
            .nullable()
            .optional(),
          turn_detection: z
            .union([semanticVadPatchSchema, serverVadPatchSchema])
            .nullable()
            .optional(),
        })
        .optional(),
      output: z
        .strictObject({
          format: audioFormatSchema.optional(),
          voice: z.union([z.enum(REALTIME_VOICES), z.strictObject({ id: z.string() })]).optional(),
          speed: z.number().min(0.25).max(1.5).optional(),
        })
        .optional(),
    })
    .optional(),
  /** Reasoning models (the gpt-realtime-2 family); accepted on every model, as the API types allow. */
  reasoning: z
    .strictObject({ effort: z.enum(REASONING_EFFORTS).nullable().optional() })
    .nullable()
    .optional(),
  parallel_tool_calls: z.boolean().optional(),
  /** Accepted from beta clients only (translated before validation). */
  temperature: z.number().min(0.6).max(1.2).optional(),
});

/** A validated GA session patch. */
export type SessionPatch = z.infer<typeof sessionPatchSchema>;
