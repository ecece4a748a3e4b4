import * as z from 'zod';
import { liveSessionResourceSchema } from './session.js';

// Every GPT-Live server event of the `openai` package 7.60.0 (`ServerEvent` of
// resources/live/live.d.ts, plus `transport.*` and the reflected audio of the sideband union),
// one loose schema each, discriminated by `type` (live-protocol.md §5). `event_id` is optional
// here although the types require it on most events: the primary `session.output_audio.delta`
// and the sideband's reflected `session.input_audio.append` have none, and an id is never worth
// failing a parse over. `client_event_id` echoes the `event_id` of the command it answers.

function serverEvent<T extends string, S extends z.ZodRawShape>(type: T, shape: S) {
  return z.looseObject({
    type: z.literal(type),
    event_id: z.string().optional(),
    client_event_id: z.string().optional(),
    ...shape,
  });
}

/** The span of an append on the session timeline (milliseconds from session start). */
const span = { start_ms: z.number(), end_ms: z.number() };

/** `error.error`: `code` may be null on the wire although the types say string. */
export const liveErrorPayloadSchema = z.looseObject({
  type: z.string(),
  code: z.string().nullable(),
  message: z.string(),
  param: z.string().nullable().optional(),
  client_event_id: z.string().nullable().optional(),
});
/** The payload of a Live `error`. */
export type LiveErrorPayload = z.infer<typeof liveErrorPayloadSchema>;

/** Cumulative billed seconds of the voice session (may be a float). */
export const liveSessionUsageSchema = z.looseObject({ seconds: z.number() });

/** The reasons a session ends, as of 7.60.0. */
export const LIVE_CLOSE_REASONS = [
  'close_requested',
  'expired',
  'content',
  'remote_hangup',
  'connection_lost',
] as const;
/** Why a Live session ended (a later version may add reasons: read it as a string). */
export type LiveCloseReason = (typeof LIVE_CLOSE_REASONS)[number];

export const liveSessionStartedEventSchema = serverEvent('session.started', {
  session: liveSessionResourceSchema,
});
export const liveSessionUpdatedEventSchema = serverEvent('session.updated', {
  session: liveSessionResourceSchema,
});
export const liveInputAudioMutedEventSchema = serverEvent('session.input_audio.muted', {});
export const liveInputAudioUnmutedEventSchema = serverEvent('session.input_audio.unmuted', {});
export const liveFixturePlayingEventSchema = serverEvent(
  'session.output_audio.fixture.playing',
  {},
);
export const liveFixturePlayedEventSchema = serverEvent('session.output_audio.fixture.played', {});
/** Acks: sent when the timeline reaches the estimated end of the injection. */
export const liveInstructionsAppendedEventSchema = serverEvent(
  'session.instructions.appended',
  span,
);
export const liveThinkingAppendedEventSchema = serverEvent('session.thinking.appended', span);
export const liveCommentaryAppendedEventSchema = serverEvent('session.commentary.appended', span);
/** Sideband only: input received on the primary transport, reflected (PCM16 24 kHz). */
export const liveInputAudioReflectedEventSchema = serverEvent('session.input_audio.append', {
  audio: z.string(),
});
/** Output audio: continuous (zero-filled between replies); timing only on a sideband. */
export const liveOutputAudioDeltaEventSchema = serverEvent('session.output_audio.delta', {
  delta: z.string(),
  start_ms: z.number().optional(),
  end_ms: z.number().optional(),
});
/** A user transcript fragment, `[start_ms, end_ms)` on the timeline; no item, no done. */
export const liveInputTranscriptDeltaEventSchema = serverEvent('session.input_transcript.delta', {
  delta: z.string(),
  ...span,
});
/** A model transcript fragment. */
export const liveOutputTranscriptDeltaEventSchema = serverEvent('session.output_transcript.delta', {
  delta: z.string(),
  ...span,
});
/** The model delegated work: to the app (`client`) or to the Responses backend. No task text. */
export const liveDelegationCreatedEventSchema = serverEvent('session.delegation.created', {
  offset_ms: z.number(),
  delegation: z.looseObject({
    id: z.string(),
    type: z.literal('delegation'),
    target: z.string(),
    response_id: z.string().optional(),
  }),
});
export const liveDecisionEventSchema = serverEvent('decision.event', {
  delegation_id: z.string().nullable(),
  event: z.looseObject({ type: z.string() }),
  source_event_id: z.string().nullable(),
  source_event_type: z.string().nullable(),
  trigger_id: z.string().nullable(),
});
export const liveDecisionItemCreatedEventSchema = serverEvent('decision.item.created', {
  item: z.looseObject({}),
});
export const liveDecisionItemDeletedEventSchema = serverEvent('decision.item.deleted', {
  item_id: z.string(),
});
/**
 * One nested Responses streaming event of a Responses delegation. The types say only "an
 * object"; in practice it carries a Responses event `type` and `sequence_number`.
 */
export const liveResponseEventSchema = serverEvent('response.event', {
  event: z.record(z.string(), z.unknown()),
  delegation_id: z.string().nullable().optional(),
});
/** Cumulative seconds and how full the context is (0–1; may fall after compaction). */
export const liveSessionUsageUpdatedEventSchema = serverEvent('session.usage.updated', {
  usage: liveSessionUsageSchema,
  context_window: z.looseObject({ usage_ratio: z.number() }).optional(),
});
/**
 * Terminal. `session` is required by the types but missing from some captures, so optional here;
 * `reason` is read as a string (a new reason must not fail the event that ends the session).
 */
export const liveSessionClosedEventSchema = serverEvent('session.closed', {
  reason: z.string(),
  usage: liveSessionUsageSchema,
  session: liveSessionResourceSchema.optional(),
});
export const liveErrorEventSchema = serverEvent('error', { error: liveErrorPayloadSchema });
/** Only `data_channel_permissions` is documented. */
export const liveInfoEventSchema = serverEvent('info', { code: z.string(), message: z.string() });
export const liveDtmfReceivedEventSchema = serverEvent('transport.dtmf.received', {
  event: z.string(),
});
export const liveDtmfSendEventSchema = serverEvent('transport.dtmf.send', { event: z.string() });
export const liveDtmfSentEventSchema = serverEvent('transport.dtmf.sent', { event: z.string() });
export const liveTransportRingingEventSchema = serverEvent('transport.ringing', {
  session_id: z.string(),
});
export const liveTransportAnsweredEventSchema = serverEvent('transport.answered', {
  session_id: z.string(),
});
export const liveTransportFailedEventSchema = serverEvent('transport.failed', {
  session_id: z.string(),
  error: z.looseObject({
    type: z.string(),
    code: z.string(),
    message: z.string(),
    param: z.string().optional(),
  }),
});

/** Every Live server event schema, keyed by its `type`. */
export const liveServerEventSchemas = {
  'session.started': liveSessionStartedEventSchema,
  'session.updated': liveSessionUpdatedEventSchema,
  'session.input_audio.muted': liveInputAudioMutedEventSchema,
  'session.input_audio.unmuted': liveInputAudioUnmutedEventSchema,
  'session.output_audio.fixture.playing': liveFixturePlayingEventSchema,
  'session.output_audio.fixture.played': liveFixturePlayedEventSchema,
  'session.instructions.appended': liveInstructionsAppendedEventSchema,
  'session.thinking.appended': liveThinkingAppendedEventSchema,
  'session.commentary.appended': liveCommentaryAppendedEventSchema,
  'session.input_audio.append': liveInputAudioReflectedEventSchema,
  'session.output_audio.delta': liveOutputAudioDeltaEventSchema,
  'session.input_transcript.delta': liveInputTranscriptDeltaEventSchema,
  'session.output_transcript.delta': liveOutputTranscriptDeltaEventSchema,
  'session.delegation.created': liveDelegationCreatedEventSchema,
  'decision.event': liveDecisionEventSchema,
  'decision.item.created': liveDecisionItemCreatedEventSchema,
  'decision.item.deleted': liveDecisionItemDeletedEventSchema,
  'response.event': liveResponseEventSchema,
  'session.usage.updated': liveSessionUsageUpdatedEventSchema,
  'session.closed': liveSessionClosedEventSchema,
  error: liveErrorEventSchema,
  info: liveInfoEventSchema,
  'transport.dtmf.received': liveDtmfReceivedEventSchema,
  'transport.dtmf.send': liveDtmfSendEventSchema,
  'transport.dtmf.sent': liveDtmfSentEventSchema,
  'transport.ringing': liveTransportRingingEventSchema,
  'transport.answered': liveTransportAnsweredEventSchema,
  'transport.failed': liveTransportFailedEventSchema,
} as const;

/** Any Live server event, discriminated by `type`. */
export const liveServerEventSchema = z.discriminatedUnion('type', [
  liveSessionStartedEventSchema,
  liveSessionUpdatedEventSchema,
  liveInputAudioMutedEventSchema,
  liveInputAudioUnmutedEventSchema,
  liveFixturePlayingEventSchema,
  liveFixturePlayedEventSchema,
  liveInstructionsAppendedEventSchema,
  liveThinkingAppendedEventSchema,
  liveCommentaryAppendedEventSchema,
  liveInputAudioReflectedEventSchema,
  liveOutputAudioDeltaEventSchema,
  liveInputTranscriptDeltaEventSchema,
  liveOutputTranscriptDeltaEventSchema,
  liveDelegationCreatedEventSchema,
  liveDecisionEventSchema,
  liveDecisionItemCreatedEventSchema,
  liveDecisionItemDeletedEventSchema,
  liveResponseEventSchema,
  liveSessionUsageUpdatedEventSchema,
  liveSessionClosedEventSchema,
  liveErrorEventSchema,
  liveInfoEventSchema,
  liveDtmfReceivedEventSchema,
  liveDtmfSendEventSchema,
  liveDtmfSentEventSchema,
  liveTransportRingingEventSchema,
  liveTransportAnsweredEventSchema,
  liveTransportFailedEventSchema,
]);

/** Any Live server event. Narrow on `type`, or use {@link LiveServerEventOf}. */
export type LiveServerEvent = z.infer<typeof liveServerEventSchema>;
/** The type of one Live server event, e.g. `LiveServerEventOf<'session.closed'>`. */
export type LiveServerEventOf<T extends LiveServerEvent['type']> = Extract<
  LiveServerEvent,
  { type: T }
>;
/** The `type` of every Live server event. */
export type LiveServerEventType = LiveServerEvent['type'];
