import * as z from 'zod';
import {
  liveForkSessionConfigSchema,
  liveSessionConfigSchema,
  liveSessionUpdateSchema,
} from './session.js';

// Every GPT-Live client event of the `openai` package 7.60.0 (`ClientEvent` of
// resources/live/live.d.ts, plus the sideband's `transport.dtmf.send`), live-protocol.md §4.
// `event_id` is optional (string or null); the server echoes it as `client_event_id` on the ack
// or error, which is how Parley matches them.

function clientEvent<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.looseObject({
    type: z.literal(type),
    event_id: z.string().nullable().optional(),
    ...shape,
  });
}

/** Content of the three append channels: ≤500 tokens, `delegation_id` required and nullable. */
const appendShape = { content: z.string(), delegation_id: z.string().nullable() };

/**
 * `session.start`: the first message on a primary or fork socket. The session is the full
 * startup config on a primary socket and overrides (possibly `{}`) on a fork.
 */
export const liveSessionStartEventSchema = clientEvent('session.start', {
  session: z.union([liveSessionConfigSchema, liveForkSessionConfigSchema]),
});
/** `session.update`: only `delegation` (same type) may change. */
export const liveSessionUpdateEventSchema = clientEvent('session.update', {
  session: liveSessionUpdateSchema,
});
/** `session.input_audio.append`: base64 audio in the session format; never acknowledged. */
export const liveInputAudioAppendEventSchema = clientEvent('session.input_audio.append', {
  audio: z.string(),
});
/** Model input off (the model hears silence; audio keeps flowing and billing continues). */
export const liveInputAudioMuteEventSchema = clientEvent('session.input_audio.mute', {});
export const liveInputAudioUnmuteEventSchema = clientEvent('session.input_audio.unmute', {});
/** A clip to play verbatim (PCM16 24 kHz, ≤30 s); newer than the reference's wire captures. */
export const liveFixturePlayEventSchema = clientEvent('session.output_audio.fixture.play', {
  audio: z.string(),
});
/** Trusted behaviour; may interrupt current speech. */
export const liveInstructionsAppendEventSchema = clientEvent(
  'session.instructions.append',
  appendShape,
);
/** Silent context. */
export const liveThinkingAppendEventSchema = clientEvent('session.thinking.append', appendShape);
/** Content for the model to say (paraphrased): the result channel of client delegation. */
export const liveCommentaryAppendEventSchema = clientEvent(
  'session.commentary.append',
  appendShape,
);
/** Decisions (7.60.0): `event_id` is required on `decision.create`. */
export const liveDecisionCreateEventSchema = z.looseObject({
  type: z.literal('decision.create'),
  event_id: z.string(),
});
export const liveDecisionItemCreateEventSchema = clientEvent('decision.item.create', {
  item: z.looseObject({}),
});
export const liveDecisionItemDeleteEventSchema = clientEvent('decision.item.delete', {
  item_id: z.string(),
});
/**
 * Responses delegation only: one Responses input item (`function_call_output`, a user
 * `message`, …), kept as it is.
 */
export const liveResponseItemCreateEventSchema = clientEvent('response.item.create', {
  item: z.looseObject({}),
});
/** Responses delegation only; no body. Starts or continues a backend response. */
export const liveResponseCreateEventSchema = clientEvent('response.create', {});
/** Ends the session; the server answers `session.closed` with the final usage. */
export const liveSessionCloseEventSchema = clientEvent('session.close', {});
/** Sideband only: send a DTMF tone on a SIP call. */
export const liveDtmfSendClientEventSchema = clientEvent('transport.dtmf.send', {
  event: z.string(),
});

/** Every Live client event schema, keyed by its `type`. */
export const liveClientEventSchemas = {
  'session.start': liveSessionStartEventSchema,
  'session.update': liveSessionUpdateEventSchema,
  'session.input_audio.append': liveInputAudioAppendEventSchema,
  'session.input_audio.mute': liveInputAudioMuteEventSchema,
  'session.input_audio.unmute': liveInputAudioUnmuteEventSchema,
  'session.output_audio.fixture.play': liveFixturePlayEventSchema,
  'session.instructions.append': liveInstructionsAppendEventSchema,
  'session.thinking.append': liveThinkingAppendEventSchema,
  'session.commentary.append': liveCommentaryAppendEventSchema,
  'decision.create': liveDecisionCreateEventSchema,
  'decision.item.create': liveDecisionItemCreateEventSchema,
  'decision.item.delete': liveDecisionItemDeleteEventSchema,
  'response.item.create': liveResponseItemCreateEventSchema,
  'response.create': liveResponseCreateEventSchema,
  'session.close': liveSessionCloseEventSchema,
  'transport.dtmf.send': liveDtmfSendClientEventSchema,
} as const;

/** Any Live client event, discriminated by `type`. */
export const liveClientEventSchema = z.discriminatedUnion('type', [
  liveSessionStartEventSchema,
  liveSessionUpdateEventSchema,
  liveInputAudioAppendEventSchema,
  liveInputAudioMuteEventSchema,
  liveInputAudioUnmuteEventSchema,
  liveFixturePlayEventSchema,
  liveInstructionsAppendEventSchema,
  liveThinkingAppendEventSchema,
  liveCommentaryAppendEventSchema,
  liveDecisionCreateEventSchema,
  liveDecisionItemCreateEventSchema,
  liveDecisionItemDeleteEventSchema,
  liveResponseItemCreateEventSchema,
  liveResponseCreateEventSchema,
  liveSessionCloseEventSchema,
  liveDtmfSendClientEventSchema,
]);

/** Any Live client event. */
export type LiveClientEvent = z.infer<typeof liveClientEventSchema>;
/** The type of one Live client event, e.g. `LiveClientEventOf<'session.commentary.append'>`. */
export type LiveClientEventOf<T extends LiveClientEvent['type']> = Extract<
  LiveClientEvent,
  { type: T }
>;
/** The `type` of every Live client event. */
export type LiveClientEventType = LiveClientEvent['type'];

/**
 * The client events a WebRTC data channel or a sideband accepts: all but `session.start` and
 * `session.input_audio.append` (live-protocol.md §4).
 */
export const LIVE_CONTROL_CLIENT_EVENTS: readonly LiveClientEventType[] = Object.keys(
  liveClientEventSchemas,
).filter(
  (type) => type !== 'session.start' && type !== 'session.input_audio.append',
) as LiveClientEventType[];
