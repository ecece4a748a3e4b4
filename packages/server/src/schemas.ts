/**
 * Schemas of the Parley admin API and of agent configuration: the request bodies the server
 * validates (a body that fails is answered with 400 and the zod issues) and the shapes of its
 * responses. Browser-safe: this module imports nothing but zod, so the admin console imports it
 * as `@parley/server/schemas` and validates forms with the very same rules the server applies.
 *
 * @example
 * ```ts
 * import { agentCreateSchema } from '@parley/server/schemas';
 * const result = agentCreateSchema.safeParse(formValues);
 * if (!result.success) showIssues(result.error.issues);
 * ```
 */
import {
  DEFAULT_REALTIME_MODEL,
  isLiveModel,
  REALTIME_VOICES,
  REASONING_EFFORTS,
} from '@parley/core';
import { z } from 'zod';

// ---------------------------------------------------------------------------------------------
// Agent configuration (one immutable version of an agent)
// ---------------------------------------------------------------------------------------------

/** Names of the tools the server implements itself. */
export const builtinToolNames = [
  'capture_lead',
  'search_knowledge_base',
  'schedule_call',
  'end_conversation',
  'analyze_property_deal',
] as const;

/** One of {@link builtinToolNames}. */
export type BuiltinToolName = (typeof builtinToolNames)[number];

/** A tool name as the model sees it: letters, digits, `_` and `-`, at most 64 characters. */
export const toolNameSchema = z
  .string()
  .regex(/^[a-zA-Z0-9_-]{1,64}$/, 'letters, digits, "_" or "-", 1 to 64 characters');

/** Server-side voice activity detection on the audio energy. */
export const serverVadSchema = z.object({
  type: z.literal('server_vad'),
  /** Activation threshold, 0..1 (higher needs louder speech). */
  threshold: z.number().min(0).max(1).default(0.5),
  /** Audio kept before detected speech, in ms. */
  prefixPaddingMs: z.number().int().min(0).max(2000).default(300),
  /** Silence that ends the user's turn, in ms. */
  silenceDurationMs: z.number().int().min(100).max(5000).default(500),
  /** Prompts the user after this much silence from them (ms); null turns it off. */
  idleTimeoutMs: z.number().int().min(5000).max(30000).nullable().default(null),
});

/** Semantic voice activity detection: the model judges whether the user has finished. */
export const semanticVadSchema = z.object({
  type: z.literal('semantic_vad'),
  eagerness: z.enum(['low', 'medium', 'high', 'auto']).default('auto'),
});

/** How the end of the user's turn is detected; null means push-to-talk (manual commits). */
export const turnDetectionSchema = z
  .discriminatedUnion('type', [serverVadSchema, semanticVadSchema])
  .nullable();

/** A tool executed in the visitor's browser (the relay forwards its calls to the client). */
export const clientToolSchema = z.object({
  name: toolNameSchema,
  description: z.string().max(2000).default(''),
  /** JSON Schema of the arguments (an object schema). */
  parameters: z.record(z.string(), z.unknown()).default({ type: 'object', properties: {} }),
});

/** Voices the OpenAI Realtime models speak with (core's list). */
export const voiceNames = REALTIME_VOICES;

/** True when `Intl` knows the time zone name (IANA names such as `Europe/Paris`, or `UTC`). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The voice APIs an agent can run on: OpenAI Realtime, or GPT-Live (`/v1/live/sessions`). */
export const agentApis = ['realtime', 'live'] as const;

/** Hosted tools a GPT-Live agent's Responses backend may use besides the agent's own tools. */
export const liveHostedToolNames = ['web_search'] as const;

/** GPT-Live settings of an agent (used when `api` is `live`). */
export const liveSettingsSchema = z.object({
  /**
   * How tools and reasoning are delegated: `responses` (default: a backend Responses model calls
   * the agent's tools, which the relay runs) or `client` (the server answers each delegation).
   */
  delegation: z.enum(['responses', 'client']).default('responses'),
  /** The Responses model behind delegation. */
  backendModel: z.string().min(1).max(100).default('gpt-5.6-terra'),
  /** Instructions of the backend model (separate from the voice's). */
  backendInstructions: z.string().max(8000).nullable().default(null),
  /** Hosted tools the backend may use (`web_search`). */
  hostedTools: z.array(z.enum(liveHostedToolNames)).max(8).default([]),
});

/** GPT-Live settings, with defaults applied. */
export type LiveSettings = z.infer<typeof liveSettingsSchema>;

/** Everything that defines how an agent behaves. Each edit creates a new immutable version. */
const agentConfigFields = z.object({
  /** The voice API: `realtime` (default) or `live`; the model must belong to it. */
  api: z.enum(agentApis).default('realtime'),
  /** GPT-Live settings (delegation mode, backend model, hosted tools). */
  live: liveSettingsSchema.default({
    delegation: 'responses',
    backendModel: 'gpt-5.6-terra',
    backendInstructions: null,
    hostedTools: [],
  }),
  /** The persona and rules (the session `instructions`). */
  instructions: z.string().min(1).max(20000),
  /** Realtime model (an Azure deployment name works too); new agents get `gpt-realtime-2.1`. */
  model: z.string().min(1).max(100).default(DEFAULT_REALTIME_MODEL),
  voice: z.string().min(1).max(100).default('marin'),
  /** Reply with speech (and its transcript) or with text only. */
  outputModality: z.enum(['audio', 'text']).default('audio'),
  /** Speech speed, 0.25..1.5. */
  speed: z.number().min(0.25).max(1.5).default(1),
  turnDetection: turnDetectionSchema.default({
    type: 'server_vad',
    threshold: 0.5,
    prefixPaddingMs: 300,
    silenceDurationMs: 500,
    idleTimeoutMs: null,
  }),
  /** Model used to transcribe the user's speech; null turns user transcripts off. */
  transcriptionModel: z.string().min(1).max(100).nullable().default('gpt-4o-mini-transcribe'),
  /** Language hint for transcription (ISO 639-1), or null to detect. */
  language: z.string().min(2).max(8).nullable().default(null),
  /**
   * How hard a reasoning model (the gpt-realtime-2 family) thinks before it answers, `minimal`
   * to `xhigh`; null leaves the model's default (nothing is sent).
   */
  reasoningEffort: z.enum(REASONING_EFFORTS).nullable().default(null),
  /** Whether the model may call several tools in one response; null leaves the model's default. */
  parallelToolCalls: z.boolean().nullable().default(null),
  /** Names of server tools this agent may call: built-ins and admin-defined webhook tools. */
  tools: z.array(toolNameSchema).max(64).default([]),
  /** Tools the browser executes. */
  clientTools: z.array(clientToolSchema).max(32).default([]),
  /** Address that receives captured leads by email; null stores them only. */
  notifyEmail: z.email().nullable().default(null),
  /** Let the browser connect to OpenAI directly with a short-lived client secret. */
  allowDirect: z.boolean().default(false),
  /** Longest conversation in seconds (the relay closes it after this). */
  maxSessionSeconds: z.number().int().min(30).max(3600).default(900),
  /** What the agent says first; null waits for the visitor. */
  greeting: z.string().max(1000).nullable().default(null),
  /**
   * IANA time zone the agent books and reads times in (`America/New_York`); null: the server's.
   * The session instructions state the current date and time in it, so "tomorrow at 3 pm" means
   * the same to the model (or the emulator) as to the business.
   */
  timeZone: z
    .string()
    .max(64)
    .refine(isTimeZone, 'an IANA time zone name such as America/New_York')
    .nullable()
    .default(null),
});

/**
 * An agent's configuration: a Live model (`gpt-live-…`) goes with `api: "live"`, any other model
 * with `api: "realtime"`, so the stored version always says which protocol it speaks.
 */
export const agentConfigSchema = agentConfigFields.superRefine((config, context) => {
  if ((config.api === 'live') !== isLiveModel(config.model)) {
    context.addIssue({
      code: 'custom',
      path: ['model'],
      message:
        config.api === 'live'
          ? 'a GPT-Live model (gpt-live-1, gpt-live-1.1) for an agent on the Live API'
          : 'a Realtime model; GPT-Live models need api "live"',
    });
  }
});

/** A validated agent configuration, with defaults applied. */
export type AgentConfig = z.infer<typeof agentConfigSchema>;
/** An agent configuration as written (defaults may be omitted). */
export type AgentConfigInput = z.input<typeof agentConfigSchema>;

/** A URL-safe agent handle, e.g. `real-estate`. */
export const slugSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and "-", 1 to 63 characters');

// ---------------------------------------------------------------------------------------------
// Authentication
// ---------------------------------------------------------------------------------------------

/** `POST /api/admin/login`. */
export const loginSchema = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});

/** `POST /api/admin/setup`: creates the first admin with the one-time token printed at start. */
export const setupSchema = z.object({
  token: z.string().min(16).max(256),
  email: z.email().max(254),
  password: z.string().min(12, 'at least 12 characters').max(1024),
});

/** `POST /api/admin/password`: the signed-in admin changes their password. */
export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(12, 'at least 12 characters').max(1024),
});

/** The signed-in admin (`GET /api/admin/me`, `POST /api/admin/login`). */
export const adminSessionSchema = z.object({
  user: z.object({ id: z.string(), email: z.string() }),
  /** Send this in the `x-parley-csrf` header of every state-changing request. */
  csrfToken: z.string(),
  expiresAt: z.string(),
});
/** See {@link adminSessionSchema}. */
export type AdminSession = z.infer<typeof adminSessionSchema>;

/** Header that carries the CSRF token on state-changing admin requests. */
export const csrfHeaderName = 'x-parley-csrf';

// ---------------------------------------------------------------------------------------------
// Agents
// ---------------------------------------------------------------------------------------------

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
});
/** See {@link publicAgentSchema}. */
export type PublicAgent = z.infer<typeof publicAgentSchema>;

// ---------------------------------------------------------------------------------------------
// Tools
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Knowledge documents
// ---------------------------------------------------------------------------------------------

/** `POST /api/admin/documents` and `PUT /api/admin/documents/:id` (plain text or Markdown). */
export const documentInputSchema = z.object({
  /** Owning agent; null shares the document with every agent. */
  agentId: z.string().nullable().default(null),
  title: z.string().min(1).max(300),
  content: z.string().min(1).max(2_000_000),
});
/** See {@link documentInputSchema}. */
export type DocumentInput = z.input<typeof documentInputSchema>;

/** A stored document. */
export const documentSchema = z.object({
  id: z.string(),
  agentId: z.string().nullable(),
  title: z.string(),
  content: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
/** See {@link documentSchema}. */
export type KnowledgeDocument = z.infer<typeof documentSchema>;

/** One full-text search hit. */
export const searchHitSchema = z.object({
  documentId: z.string(),
  title: z.string(),
  snippet: z.string(),
  rank: z.number(),
});
/** See {@link searchHitSchema}. */
export type SearchHit = z.infer<typeof searchHitSchema>;

// ---------------------------------------------------------------------------------------------
// Conversations, leads, analytics
// ---------------------------------------------------------------------------------------------

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
  mode: z.enum(['relay', 'direct']),
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

/** A tool call with its outcome. */
export const toolCallSchema = z.object({
  id: z.string(),
  callId: z.string(),
  name: z.string(),
  arguments: z.string(),
  output: z.string().nullable(),
  outcome: z.enum(['ok', 'error', 'client']),
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

/** `GET /api/admin/conversations/:id`. */
export const conversationDetailSchema = z.object({
  conversation: conversationSchema,
  items: z.array(conversationItemSchema),
  toolCalls: z.array(toolCallSchema),
  responses: z.array(responseUsageSchema),
});
/** See {@link conversationDetailSchema}. */
export type ConversationDetail = z.infer<typeof conversationDetailSchema>;

/** A captured lead. */
export const leadSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  conversationId: z.string().nullable(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  notes: z.string(),
  notified: z.boolean(),
  notifyError: z.string().nullable(),
  createdAt: z.string(),
});
/** See {@link leadSchema}. */
export type Lead = z.infer<typeof leadSchema>;

/** A call the visitor asked to schedule. */
export const scheduledCallSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  conversationId: z.string().nullable(),
  name: z.string(),
  contact: z.string(),
  startsAt: z.string(),
  notes: z.string(),
  createdAt: z.string(),
});
/** See {@link scheduledCallSchema}. */
export type ScheduledCall = z.infer<typeof scheduledCallSchema>;

/** A notification email kept in the local outbox (no SMTP server configured). */
export const outboxMessageSchema = z.object({
  id: z.string(),
  to: z.string(),
  subject: z.string(),
  body: z.string(),
  replyTo: z.string().nullable(),
  createdAt: z.string(),
});
/** See {@link outboxMessageSchema}. */
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

/** `GET /api/admin/outbox`: how notification email is delivered, and the outbox (newest first). */
export const outboxListSchema = z.object({
  delivery: z.enum(['smtp', 'outbox']),
  messages: z.array(outboxMessageSchema),
});
/** See {@link outboxListSchema}. */
export type OutboxList = z.infer<typeof outboxListSchema>;

/** Query of `GET /api/admin/analytics` (ISO dates; the default is the last 30 days). */
export const analyticsQuerySchema = z.object({
  agentId: z.string().optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
});

/** `GET /api/admin/analytics`. */
export const analyticsSchema = z.object({
  from: z.string(),
  to: z.string(),
  conversations: z.number(),
  conversationsPerDay: z.array(z.object({ day: z.string(), count: z.number() })),
  averageDurationMs: z.number().nullable(),
  /** Share of finished conversations that ended without an error (0..1). */
  completionRate: z.number().nullable(),
  /** Share of conversations in which a lead was captured (0..1). */
  leadCaptureRate: z.number().nullable(),
  latencyMsP50: z.number().nullable(),
  latencyMsP95: z.number().nullable(),
  costPerConversationUsd: z.number().nullable(),
  totalCostUsd: z.number(),
  /**
   * One row per day with conversations (UTC, `YYYY-MM-DD`, ascending): response latency
   * p50/p95 (null when no response of that day has a latency) and the day's cost.
   * Optional so older servers' answers still parse.
   */
  daily: z
    .array(
      z.object({
        day: z.string(),
        conversations: z.number(),
        latencyMsP50: z.number().nullable(),
        latencyMsP95: z.number().nullable(),
        costUsd: z.number(),
      }),
    )
    .optional(),
});
/** See {@link analyticsSchema}. */
export type Analytics = z.infer<typeof analyticsSchema>;

// ---------------------------------------------------------------------------------------------
// Sessions (public)
// ---------------------------------------------------------------------------------------------

/**
 * Go on with a relayed conversation whose connection dropped (what the last grant gave). When it
 * cannot go on (unknown, ended for good, too old, another agent), a new one starts and the answer
 * says `resumed: false`.
 */
export const resumeRequestSchema = z.object({
  conversationId: z.string().min(1).max(100),
  token: z.string().min(1).max(200),
});

/** `POST /api/sessions`: `agentId` is an agent id or slug. */
export const sessionRequestSchema = z.object({
  agentId: z.string().min(1).max(100),
  resume: resumeRequestSchema.optional(),
});

/** `POST /api/admin/agents/:id/playground`: try a version (default: the latest) before publishing. */
export const playgroundSessionSchema = z.object({
  version: z.number().int().min(1).optional(),
  resume: resumeRequestSchema.optional(),
});

/** What the browser connects with. */
export const sessionResponseSchema = z.discriminatedUnion('mode', [
  z.object({
    mode: z.literal('relay'),
    url: z.string(),
    ticket: z.string(),
    expiresAt: z.string(),
    /** The conversation this connection records into. */
    conversationId: z.string(),
    /** Presented with `conversationId` on a reconnect, it carries the conversation on. */
    resumeToken: z.string(),
    /** True when this grant goes on with the conversation a `resume` named. */
    resumed: z.boolean(),
  }),
  z.object({
    mode: z.literal('direct'),
    url: z.string(),
    clientSecret: z.string(),
    expiresAt: z.string(),
    model: z.string(),
  }),
]);
/** See {@link sessionResponseSchema}. */
export type SessionResponse = z.infer<typeof sessionResponseSchema>;

/** Body of every 4xx/5xx answer. `issues` is present on validation errors (400). */
export const apiErrorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z
      .array(z.object({ path: z.array(z.union([z.string(), z.number()])), message: z.string() }))
      .optional(),
  }),
});
/** See {@link apiErrorSchema}. */
export type ApiError = z.infer<typeof apiErrorSchema>;

// ---------------------------------------------------------------------------------------------
// Admin tools: tool test-runs and voice previews
// ---------------------------------------------------------------------------------------------

/** `POST /api/admin/tools/:id/test`: the arguments to run the tool with (an object). */
export const toolTestRequestSchema = z.object({
  arguments: z.record(z.string(), z.unknown()).default({}),
  /**
   * Run as this agent (its published version): its knowledge documents and notify address.
   * Without it the tool runs as a neutral test agent.
   */
  agentId: z.string().min(1).max(200).optional(),
});

/** Answer of `POST /api/admin/tools/:id/test`. */
export const toolTestResultSchema = z.object({
  ok: z.boolean(),
  /** What the tool answered (parsed JSON) when it succeeded, or the structured error output. */
  output: z.unknown().optional(),
  /** `code: message` when the run failed (invalid arguments, timeout, HTTP error, …). */
  error: z.string().nullable().optional(),
  durationMs: z.number().nullable().optional(),
  /** The HTTP status the webhook answered, when it answered with an error status. */
  status: z.number().nullable().optional(),
});
/** See {@link toolTestResultSchema}. */
export type ToolTestResult = z.infer<typeof toolTestResultSchema>;

/** Longest text a voice preview reads. */
export const voicePreviewMaxTextLength = 300;

/** `POST /api/admin/voice-preview`: answers `audio/wav` (PCM16, 24 kHz, mono). */
export const voicePreviewRequestSchema = z.object({
  voice: z.string().min(1).max(100),
  model: z.string().min(1).max(100).optional(),
  speed: z.number().min(0.25).max(1.5).optional(),
  text: z.string().trim().min(1).max(voicePreviewMaxTextLength).optional(),
});
/** See {@link voicePreviewRequestSchema}. */
export type VoicePreviewRequest = z.infer<typeof voicePreviewRequestSchema>;
