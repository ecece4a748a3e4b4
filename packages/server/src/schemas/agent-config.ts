// Agent configuration: one immutable version of an agent (voice, turn-taking, tools, model).
import {
  DEFAULT_REALTIME_MODEL,
  isLiveModel,
  REALTIME_VOICES,
  REASONING_EFFORTS,
} from '@parley/core';
import { z } from 'zod';
import { mcpServersSchema } from './mcp-servers.js';
import { postCallSettingsSchema } from './post-call.js';
import { defaultRecordingNotice, recordingSettingsSchema } from './recording.js';

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
/** One of {@link agentApis}. */
export type AgentApi = (typeof agentApis)[number];

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
  /**
   * Remote MCP servers the model may use (Realtime agents, through the relay only); their header
   * values are write-only (see `mcpServerSchema`).
   */
  mcpServers: mcpServersSchema,
  /** Address that receives captured leads by email; null stores them only. */
  notifyEmail: z.email().nullable().default(null),
  /** Let the browser connect to OpenAI directly with a short-lived client secret. */
  allowDirect: z.boolean().default(false),
  /**
   * Refuse WebRTC calls (`POST /api/calls` answers 409 `relay_required`): every conversation goes
   * through the WebSocket relay, which sees every event and the audio. See the server README.
   */
  requireRelay: z.boolean().default(false),
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
  /** Post-call analysis and webhook (see {@link postCallSettingsSchema}). */
  postCall: postCallSettingsSchema.default({
    summaryPrompt: null,
    extractionSchema: null,
    successRubric: null,
    analysisModel: 'gpt-5-mini',
    webhookUrl: null,
  }),
  /** Recording of both sides, its retention and the visitors' notice (off by default). */
  recording: recordingSettingsSchema.default({
    enabled: false,
    retentionDays: 30,
    notice: defaultRecordingNotice,
  }),
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
  if (config.api === 'live' && config.mcpServers.length > 0) {
    context.addIssue({
      code: 'custom',
      path: ['mcpServers'],
      message: 'MCP servers are for Realtime agents; a GPT-Live agent cannot attach them',
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
