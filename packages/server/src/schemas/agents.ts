// Agents: create, update, versions, publication; the public agent list.
import { z } from 'zod';
import { agentConfigSchema, slugSchema } from './agent-config.js';

/** `POST /api/admin/agents`. */
export const agentCreateSchema = z.object({
  slug: slugSchema,
  name: z.string().min(1).max(120),
  description: z.string().max(1000).default(''),
  config: agentConfigSchema,
  /** Publish version 1 at once. */
  publish: z.boolean().default(false),
});

/** `PATCH /api/admin/agents/:id`. */
export const agentUpdateSchema = z
  .object({
    slug: slugSchema.optional(),
    name: z.string().min(1).max(120).optional(),
    description: z.string().max(1000).optional(),
  })
  .refine((value) => Object.keys(value).length > 0, 'nothing to update');

/** `POST /api/admin/agents/:id/versions`: a new draft version. */
export const agentVersionCreateSchema = z.object({
  config: agentConfigSchema,
  note: z.string().max(500).default(''),
  publish: z.boolean().default(false),
});

/** `POST /api/admin/agents/:id/publish`. */
export const agentPublishSchema = z.object({ version: z.number().int().min(1) });

/** `POST /api/admin/agents/:id/rollback`: back to `version`, or to the previously published one. */
export const agentRollbackSchema = z.object({ version: z.number().int().min(1).optional() });

/** An agent as listed. */
export const agentSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  /** The live version number; null while nothing is published. */
  publishedVersion: z.number().nullable(),
  latestVersion: z.number(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** See {@link agentSchema}. */
export type Agent = z.infer<typeof agentSchema>;

/** One version of an agent. */
export const agentVersionSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  version: z.number(),
  config: agentConfigSchema,
  note: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
});
/** See {@link agentVersionSchema}. */
export type AgentVersion = z.infer<typeof agentVersionSchema>;

/** `GET /api/admin/agents/:id`. */
export const agentDetailSchema = z.object({
  agent: agentSchema,
  versions: z.array(agentVersionSchema),
  /** Publication history, newest first. */
  publications: z.array(z.object({ version: z.number(), publishedAt: z.string() })),
});
/** See {@link agentDetailSchema}. */
export type AgentDetail = z.infer<typeof agentDetailSchema>;

/** A published agent as the public `GET /api/agents` lists it (for a visitor's agent picker). */
export const publicAgentSchema = z.object({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string(),
  /**
   * How the published version hears the end of a visitor's turn: by voice activity
   * (`server_vad`, `semantic_vad`), or `manual` (turn detection off: the visitor holds
   * push-to-talk, and speaking alone is never answered). Only the kind: the rest of the
   * configuration (instructions, tools) stays the business's.
   */
  turnDetection: z.enum(['server_vad', 'semantic_vad', 'manual']),
  /**
   * What to tell visitors when the published version records conversations (its
   * `recording.notice`); null when it does not record (and from servers before recording).
   */
  recordingNotice: z.string().nullable().default(null),
  /**
   * The API the agent speaks: `realtime` or `live` (GPT-Live). A WebRTC client needs it before
   * its offer (`parleyServerCredentials({ protocol })`); a relay grant says it itself. Absent
   * from servers before it: `realtime`.
   */
  api: z.enum(['realtime', 'live']).default('realtime'),
});
/** See {@link publicAgentSchema}. */
export type PublicAgent = z.infer<typeof publicAgentSchema>;
