// Conversations: the list query, items, tool calls, response usage, the detail.
import { z } from 'zod';
import { conversationAnalysisSchema, webhookDeliverySchema } from './post-call.js';

/** Query of `GET /api/admin/conversations`. */
export const conversationListQuerySchema = z.object({
  agentId: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** `startedAt` of the last row of the previous page. */
  before: z.string().optional(),
});

/** A conversation as listed. */
export const conversationSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  agentVersion: z.number().nullable(),
  mode: z.enum(['relay', 'direct', 'webrtc']),
  model: z.string(),
  status: z.enum(['active', 'completed', 'failed']),
  endReason: z.string().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  durationMs: z.number().nullable(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  costUsd: z.number(),
  /** Median ms from the end of the user's turn to the first audio of the reply. */
  latencyMsP50: z.number().nullable(),
  itemCount: z.number(),
  /** GPT-Live: cumulative billed seconds (0 for Realtime conversations). */
  usageSeconds: z.number().default(0),
  /** The post-call analysis, when one ran (absent from older servers). */
  analysis: conversationAnalysisSchema.nullable().optional(),
});
/** See {@link conversationSchema}. */
export type Conversation = z.infer<typeof conversationSchema>;

/** A completed conversation item. */
export const conversationItemSchema = z.object({
  id: z.string(),
  itemId: z.string(),
  type: z.string(),
  role: z.string().nullable(),
  text: z.string().nullable(),
  status: z.string().nullable(),
  createdAt: z.string(),
});
/** See {@link conversationItemSchema}. */
export type ConversationItem = z.infer<typeof conversationItemSchema>;

/**
 * A tool call with its outcome: a server tool's, a browser tool's (`client`) or an MCP server's
 * (named `mcp:<server label>/<tool>`; `denied` when the agent's policy refused its approval).
 */
export const toolCallSchema = z.object({
  id: z.string(),
  callId: z.string(),
  name: z.string(),
  arguments: z.string(),
  output: z.string().nullable(),
  outcome: z.enum(['ok', 'error', 'client', 'denied']),
  durationMs: z.number().nullable(),
  createdAt: z.string(),
});
/** See {@link toolCallSchema}. */
export type ToolCall = z.infer<typeof toolCallSchema>;

/** One response's usage, cost and latency. */
export const responseUsageSchema = z.object({
  id: z.string(),
  responseId: z.string(),
  status: z.string(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  inputTextTokens: z.number(),
  inputAudioTokens: z.number(),
  cachedTokens: z.number(),
  outputTextTokens: z.number(),
  outputAudioTokens: z.number(),
  costUsd: z.number(),
  latencyMs: z.number().nullable(),
  createdAt: z.string(),
});
/** See {@link responseUsageSchema}. */
export type ResponseUsage = z.infer<typeof responseUsageSchema>;

/** One user turn of a relayed conversation. */
export const storedTurnSchema = z.object({
  seq: z.number(),
  /** End of the visitor's speech to the agent's first audio (null when none followed). */
  firstAudioMs: z.number().nullable(),
  /** Time the turn's tools took (server tools run, browser tools answered). */
  toolMs: z.number(),
  toolCalls: z.number(),
  responses: z.number(),
  createdAt: z.string(),
});
/** See {@link storedTurnSchema}. */
export type StoredTurn = z.infer<typeof storedTurnSchema>;

/** `GET /api/admin/conversations/:id`. */
export const conversationDetailSchema = z.object({
  conversation: conversationSchema,
  items: z.array(conversationItemSchema),
  toolCalls: z.array(toolCallSchema),
  responses: z.array(responseUsageSchema),
  /** Per-turn latency (absent from older servers). */
  turns: z.array(storedTurnSchema).optional(),
  /** Post-call webhook attempts, oldest first. */
  webhookDeliveries: z.array(webhookDeliverySchema).optional(),
});
/** See {@link conversationDetailSchema}. */
export type ConversationDetail = z.infer<typeof conversationDetailSchema>;
