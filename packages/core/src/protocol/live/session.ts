import * as z from 'zod';

// GPT-Live session configuration (live-protocol.md §3; the `openai` package 7.60.0,
// resources/live/live.d.ts, whose names and shapes win over the reference). Objects are loose, as
// for Realtime: a parse here must never fail on a field this version does not know. The API
// itself is strict about `session.start` (unknown fields → `unknown_parameter`); a server or
// emulator that wants that strictness compares against the keys of these shapes.

/** `audio.format`: one format for input and output, primary WebSocket (and WS fork) only. */
export const liveAudioFormatSchema = z.discriminatedUnion('type', [
  z.looseObject({
    type: z.literal('audio/pcm'),
    rate: z.union([z.literal(16000), z.literal(24000)]),
  }),
  z.looseObject({ type: z.literal('audio/pcmu'), rate: z.number() }),
  z.looseObject({ type: z.literal('audio/pcma'), rate: z.number() }),
]);
/** A Live audio format. */
export type LiveAudioFormat = z.infer<typeof liveAudioFormatSchema>;

/** A built-in voice name or a custom voice `{ id }`. */
export const liveVoiceSchema = z.union([z.string(), z.looseObject({ id: z.string() })]);

/** One text part of a startup `input` message. */
const textPart = (type: string) =>
  z.looseObject({ text: z.string(), type: z.literal(type).optional() });

const initialItemCommon = {
  id: z.string().nullable().optional(),
  status: z.enum(['incomplete', 'completed']).nullable().optional(),
  type: z.literal('message').optional(),
};

/** A startup history message (`session.start.session.input`): text only, one part each. */
export const liveInitialItemSchema = z.discriminatedUnion('role', [
  z.looseObject({
    role: z.literal('developer'),
    content: z.array(textPart('input_text')),
    ...initialItemCommon,
  }),
  z.looseObject({
    role: z.literal('user'),
    content: z.array(textPart('input_text')),
    ...initialItemCommon,
  }),
  z.looseObject({
    role: z.literal('assistant'),
    content: z.array(
      z.union([
        z.looseObject({ text: z.string(), type: z.literal('output_text') }),
        textPart('text'),
      ]),
    ),
    ...initialItemCommon,
  }),
]);
/** A startup history message. */
export type LiveInitialItem = z.infer<typeof liveInitialItemSchema>;

/** A function tool of the Responses backend (`delegation.responses.tools`). */
export const liveFunctionToolSchema = z.looseObject({
  type: z.literal('function'),
  name: z.string(),
  description: z.string().nullable().optional(),
  parameters: z.record(z.string(), z.unknown()).nullable().optional(),
  strict: z.boolean().nullable().optional(),
});
/** A function tool of the Responses backend. */
export type LiveFunctionTool = z.infer<typeof liveFunctionToolSchema>;

/**
 * A backend tool: a function tool, or any hosted tool (`web_search`, `file_search`, `mcp`, …; the
 * 7.60.0 union has thirteen members and grows) kept as it is.
 */
export const liveBackendToolSchema = z.union([
  liveFunctionToolSchema,
  z.looseObject({ type: z.string() }),
]);

/** `delegation.responses` in an update or a fork: every field optional (sparse merge). */
export const liveResponsesUpdateSchema = z.looseObject({
  model: z.string().optional(),
  instructions: z.string().nullable().optional(),
  max_output_tokens: z.number().nullable().optional(),
  parallel_tool_calls: z.boolean().nullable().optional(),
  reasoning: z
    .looseObject({
      effort: z.string().nullable().optional(),
      summary: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
  service_tier: z.string().nullable().optional(),
  text: z.looseObject({ verbosity: z.string().nullable().optional() }).nullable().optional(),
  tool_choice: z
    .union([z.string(), z.looseObject({ type: z.string() })])
    .nullable()
    .optional(),
  tools: z.array(liveBackendToolSchema).optional(),
});

/** `delegation.responses` at startup: the backend model is required. */
export const liveResponsesConfigSchema = liveResponsesUpdateSchema.extend({ model: z.string() });
/** The Responses backend of a Live session. */
export type LiveResponsesConfig = z.infer<typeof liveResponsesConfigSchema>;

const acknowledgementDelay = { acknowledgement_delay_ms: z.number().optional() };
/** Decisions delegation (7.60.0; not observed on the wire): kept loose. */
const decisionsDelegation = z.looseObject({
  type: z.literal('decisions'),
  decisions: z.looseObject({}),
  ...acknowledgementDelay,
});

/** Client delegation: the app does the work and answers with `commentary`/`thinking`. */
export const liveClientDelegationSchema = z.looseObject({
  type: z.literal('client'),
  ...acknowledgementDelay,
});

/** `delegation` of a session (start, snapshot): client, Responses, Decisions, or null (client). */
export const liveDelegationSchema = z
  .discriminatedUnion('type', [
    liveClientDelegationSchema,
    z.looseObject({
      type: z.literal('responses'),
      responses: liveResponsesConfigSchema,
      ...acknowledgementDelay,
    }),
    decisionsDelegation,
  ])
  .nullable();
/** The delegation of a Live session. */
export type LiveDelegation = z.infer<typeof liveDelegationSchema>;

/** `delegation` in `session.update`: the same type as at startup; Responses fields sparse. */
export const liveDelegationUpdateSchema = z
  .discriminatedUnion('type', [
    liveClientDelegationSchema,
    z.looseObject({
      type: z.literal('responses'),
      responses: liveResponsesUpdateSchema.optional(),
      ...acknowledgementDelay,
    }),
    decisionsDelegation.extend({ decisions: z.looseObject({}).optional() }),
  ])
  .nullable();

/** One allowed server event on a WebRTC data channel (`response_event` only for `response.event`). */
export const liveServerEventSelectorSchema = z.looseObject({
  type: z.string(),
  response_event: z.string().optional(),
});

/** `client`: what an untrusted WebRTC frontend may send and receive. */
export const liveClientConfigSchema = z.looseObject({
  data_channel: z.looseObject({
    allowed_client_events: z.union([z.literal('all'), z.array(z.string())]).optional(),
    allowed_server_events: z
      .union([z.literal('all'), z.array(liveServerEventSelectorSchema)])
      .optional(),
  }),
});

const sessionFields = {
  model: z.string(),
  instructions: z.string().nullable().optional(),
  input: z.array(liveInitialItemSchema).optional(),
  audio: z
    .looseObject({
      format: liveAudioFormatSchema.optional(),
      output: z.looseObject({ voice: liveVoiceSchema.optional() }).optional(),
    })
    .optional(),
  delegation: liveDelegationSchema.optional(),
  client: liveClientConfigSchema.optional(),
  safety_identifier: z.string().nullable().optional(),
  store: z.boolean().optional(),
  triggers: z.array(z.looseObject({ type: z.string() })).optional(),
};

/** `session.start.session` (primary WebSocket): the model is required, the rest defaults. */
export const liveSessionConfigSchema = z.looseObject(sessionFields);
/** The startup configuration of a Live session. */
export type LiveSessionConfig = z.infer<typeof liveSessionConfigSchema>;

/** `session` of `session.start` on a fork socket: overrides only (may be `{}`). */
export const liveForkSessionConfigSchema = z.looseObject({
  audio: z.looseObject({ format: liveAudioFormatSchema.optional() }).optional(),
  client: liveClientConfigSchema.optional(),
  delegation: z
    .looseObject({
      type: z.literal('responses'),
      responses: liveResponsesUpdateSchema.optional(),
      ...acknowledgementDelay,
    })
    .optional(),
  store: z.boolean().optional(),
});
/** Overrides of a fork's `session.start` (primary WebSocket fork): `store`, `audio.format`, Responses delegation settings. */
export type LiveForkSessionConfig = z.infer<typeof liveForkSessionConfigSchema>;

/** `session.update.session`: only the delegation (and Decisions triggers) may change. */
export const liveSessionUpdateSchema = z.looseObject({
  delegation: liveDelegationUpdateSchema.optional(),
  triggers: z.array(z.looseObject({ type: z.string() })).optional(),
});

/**
 * The resolved session (`session.started`, `session.updated`, `session.closed`). `status` is
 * always `"active"`, even in the final snapshot; the event type tells that the session closed.
 */
export const liveSessionResourceSchema = z.looseObject({
  ...sessionFields,
  id: z.string(),
  expires_at: z.number(),
  status: z.string(),
});
/** The resolved state of a Live session. */
export type LiveSessionResource = z.infer<typeof liveSessionResourceSchema>;
