// Post-call analysis and the post-call webhook: per-agent settings, results and deliveries.
import { z } from 'zod';

/** A JSON Schema object for structured extraction: `type: "object"` with `properties`, ≤ 20 kB. */
export const extractionSchemaSchema = z
  .record(z.string(), z.unknown())
  .refine(
    (schema) =>
      schema.type === 'object' &&
      schema.properties !== null &&
      typeof schema.properties === 'object' &&
      !Array.isArray(schema.properties),
    'a JSON Schema with "type": "object" and "properties"',
  )
  .refine((schema) => JSON.stringify(schema).length <= 20_000, 'at most 20,000 characters')
  .refine((schema) => {
    try {
      z.fromJSONSchema(schema);
      return true;
    } catch {
      return false;
    }
  }, 'a JSON Schema the server can validate against');

/**
 * What the server does when a conversation of this agent ends: an analysis through the upstream's
 * Responses API (a summary, fields extracted against a JSON Schema, a success verdict against a
 * rubric; any of them, or none), then a signed POST of the whole conversation to `webhookUrl`.
 */
export const postCallSettingsSchema = z.object({
  /** How to summarise the conversation; null: no summary. */
  summaryPrompt: z.string().min(1).max(4000).nullable().default(null),
  /** Fields to extract; null: none. */
  extractionSchema: extractionSchemaSchema.nullable().default(null),
  /** What counts as a successful conversation; null: no verdict. */
  successRubric: z.string().min(1).max(4000).nullable().default(null),
  /** The Responses model that analyses. */
  analysisModel: z.string().min(1).max(100).default('gpt-5-mini'),
  /** Receives the ended conversation (signed like webhook tools); null: no webhook. */
  webhookUrl: z
    .url({ protocol: /^https?$/, error: 'an http(s) URL' })
    .max(2000)
    .nullable()
    .default(null),
});
/** See {@link postCallSettingsSchema}. */
export type PostCallSettings = z.infer<typeof postCallSettingsSchema>;

/** `PUT /api/admin/agents/:id/post-call-secret`: the webhook signing secret (null removes it). */
export const postCallSecretSchema = z.object({
  secret: z.string().min(16).max(256).nullable(),
});

/** Whether an agent's post-call webhook is signed (the secret never leaves the server). */
export const postCallSecretStateSchema = z.object({ hasSecret: z.boolean() });

/** The stored analysis of one conversation. */
export const conversationAnalysisSchema = z.object({
  conversationId: z.string(),
  status: z.enum(['done', 'failed']),
  summary: z.string().nullable(),
  extracted: z.record(z.string(), z.unknown()).nullable(),
  /** Null when the agent has no rubric (or the analysis failed). */
  success: z.boolean().nullable(),
  rationale: z.string().nullable(),
  model: z.string(),
  error: z.string().nullable(),
  createdAt: z.string(),
});
/** See {@link conversationAnalysisSchema}. */
export type ConversationAnalysis = z.infer<typeof conversationAnalysisSchema>;

/** One attempt to deliver a post-call webhook. */
export const webhookDeliverySchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  agentId: z.string(),
  url: z.string(),
  attempt: z.number(),
  /** `delivered`; `failed` (retried later); `gave_up` (the last attempt failed). */
  outcome: z.enum(['delivered', 'failed', 'gave_up']),
  httpStatus: z.number().nullable(),
  error: z.string().nullable(),
  durationMs: z.number(),
  createdAt: z.string(),
});
/** See {@link webhookDeliverySchema}. */
export type WebhookDelivery = z.infer<typeof webhookDeliverySchema>;

/** Query of `GET /api/admin/webhook-deliveries`. */
export const webhookDeliveryQuerySchema = z.object({
  agentId: z.string().max(100).optional(),
  conversationId: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** `GET /api/admin/webhook-deliveries`. */
export const webhookDeliveryListSchema = z.object({ deliveries: z.array(webhookDeliverySchema) });
