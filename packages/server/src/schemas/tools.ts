// Tools: webhook tool definitions and the built-in tool list.
import { z } from 'zod';
import { toolNameSchema } from './agent-config.js';

const toolBase = {
  name: toolNameSchema,
  description: z.string().max(2000).default(''),
  /** JSON Schema of the arguments (an object schema). */
  parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
};

/** An HTTP webhook tool: the server POSTs the arguments as JSON, signed with HMAC-SHA256. */
export const webhookToolInputSchema = z.object({
  ...toolBase,
  kind: z.literal('webhook'),
  url: z.url({ protocol: /^https?$/ }),
  /** HMAC key for the `x-parley-signature` header; omitted on update keeps the old one. */
  secret: z.string().min(16).max(256).optional(),
  timeoutMs: z.number().int().min(100).max(30000).default(5000),
  maxResponseBytes: z.number().int().min(256).max(1_048_576).default(65536),
});

/** `POST /api/admin/tools` and `PUT /api/admin/tools/:id`. */
export const toolInputSchema = webhookToolInputSchema;
/** See {@link toolInputSchema}. */
export type ToolInput = z.input<typeof toolInputSchema>;

/** A stored tool (the secret never leaves the server; `hasSecret` says whether one is set). */
export const toolSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
  kind: z.literal('webhook'),
  url: z.string(),
  hasSecret: z.boolean(),
  timeoutMs: z.number(),
  maxResponseBytes: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** See {@link toolSchema}. */
export type ToolDefinition = z.infer<typeof toolSchema>;

/** A built-in tool as `GET /api/admin/builtin-tools` describes it. */
export const builtinToolSchema = z.object({
  name: z.string(),
  description: z.string(),
  parameters: z.record(z.string(), z.unknown()),
});
/** See {@link builtinToolSchema}. */
export type BuiltinTool = z.infer<typeof builtinToolSchema>;
