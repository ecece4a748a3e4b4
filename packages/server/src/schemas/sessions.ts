// Sessions (public): resume, session requests and grants, API errors.
import { z } from 'zod';
import { agentApis } from './agent-config.js';

/**
 * Go on with a conversation whose connection dropped (what the last grant or call answer gave: a
 * relayed one through `POST /api/sessions`, a WebRTC one through `POST /api/calls`). When it
 * cannot go on (unknown, ended for good, too old, another agent, the other transport), a new one
 * starts and the answer says `resumed: false`.
 */
export const resumeRequestSchema = z.object({
  conversationId: z.string().min(1).max(100),
  token: z.string().min(1).max(200),
});

/** Customer ids and tags: letters, digits and `_ . : @ -`, no spaces (they end up in CSV and URLs). */
const attributionPattern = /^[A-Za-z0-9_.:@-]+$/;

/** The customer a conversation is for, as the embedding app knows it (for the cost ledger). */
export const customerIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(attributionPattern, 'use letters, digits and _ . : @ - only');

/** A visitor's id for experiment assignment (never stored: only its hash decides a version). */
export const visitorIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(attributionPattern, 'use letters, digits and _ . : @ - only');

/** One tag of a conversation (a campaign, a plan, a page). */
export const tagSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(attributionPattern, 'use letters, digits and _ . : @ - only');

/**
 * `POST /api/sessions`: `agentId` is an agent id or slug. `customerId` and `tags` attribute the
 * conversation for the cost ledger; they are the embedding page's word, not authenticated.
 */
export const sessionRequestSchema = z.object({
  agentId: z.string().min(1).max(100),
  resume: resumeRequestSchema.optional(),
  customerId: customerIdSchema.optional(),
  /**
   * A stable id of the visitor (the embedding app's user id, or a random id it keeps in
   * localStorage): while the agent runs an experiment, the same id always gets the same version.
   * Without it the client address is the key (sticky per network address).
   */
  visitorId: visitorIdSchema.optional(),
  tags: z
    .array(tagSchema)
    .max(10, 'at most 10 tags')
    .refine((tags) => new Set(tags).size === tags.length, 'tags must not repeat')
    .optional(),
});

/** `POST /api/admin/agents/:id/playground`: try a version (default: the latest) before publishing. */
export const playgroundSessionSchema = z.object({
  version: z.number().int().min(1).optional(),
  resume: resumeRequestSchema.optional(),
});

/**
 * `POST /api/admin/agents/:id/playground/calls`: a WebRTC call to a version (default: the latest),
 * published or not; answered like `POST /api/calls` ({@link webrtcCallResponseSchema}).
 */
export const playgroundCallSchema = playgroundSessionSchema.extend({ sdp: z.string().min(1) });

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
    /**
     * The API the relay speaks on this connection (the agent version's `api`): a `live` agent's
     * browser session speaks GPT-Live to the relay. Absent from older servers: `realtime`.
     */
    protocol: z.enum(agentApis).default('realtime'),
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

/** Largest SDP offer `POST /api/calls` takes (a browser's offer is a few kilobytes). */
export const maxOfferBytes = 64 * 1024;

/**
 * `POST /api/calls`: a WebRTC call to an agent. `sdp` is the browser's offer (with its audio
 * track and an `oai-events` data channel); `agentId` is an agent id or slug; `customerId` and
 * `tags` attribute the conversation as for `POST /api/sessions`; `resume` (the last call's
 * `conversationId` and `resumeToken`) goes on with a WebRTC conversation whose call dropped.
 */
export const webrtcCallRequestSchema = sessionRequestSchema
  .pick({ agentId: true, customerId: true, tags: true, visitorId: true, resume: true })
  .extend({ sdp: z.string().min(1) });

/**
 * The answer to `POST /api/calls` (201): the SDP answer to apply, the call's id on this server,
 * the conversation the call is recorded into, the token that proves the call is the browser's
 * own (it hangs up and resumes with it), whether it resumed a dropped conversation, and when the agent's time limit ends the call at the latest.
 */
export const webrtcCallResponseSchema = z.object({
  mode: z.literal('webrtc'),
  sdp: z.string(),
  callId: z.string(),
  conversationId: z.string(),
  resumeToken: z.string(),
  /** True when this call goes on with the conversation a `resume` named (replayed to the model). */
  resumed: z.boolean(),
  expiresAt: z.string(),
});

/**
 * `POST /api/calls/{callId}/hangup`: the browser ends its call (its page closed, or the session
 * ended), with the `resumeToken` the call was answered with. Sent with `keepalive` from `pagehide`.
 */
export const webrtcHangupRequestSchema = z.object({ token: z.string().min(1).max(200) });
/** The longest typed message the server takes, in characters (the Live relay cuts longer ones). */
export const MAX_TYPED_TEXT = 4000;

/**
 * `POST /api/calls/{callId}/text`: text the visitor typed on a GPT-Live call, with the call's
 * `resumeToken` (its data channel may not carry typed text). At most 4,000 characters, not blank.
 */
export const webrtcTextRequestSchema = z.object({
  token: z.string().min(1).max(200),
  text: z
    .string()
    .max(MAX_TYPED_TEXT)
    .refine((text) => text.trim().length > 0, 'the text is blank'),
});
/** See {@link webrtcCallResponseSchema}. */
export type WebRtcCallResponse = z.infer<typeof webrtcCallResponseSchema>;
