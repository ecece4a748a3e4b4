// Recording of conversations (issue 19 §1): the agent's settings and what the admin API answers.
import { z } from 'zod';

/** The notice visitors see when no text of the agent's own is set. */
export const defaultRecordingNotice = 'This conversation is recorded.';

/**
 * Per agent: record both sides of relayed conversations (opt-in), keep them `retentionDays`,
 * and tell visitors with `notice` (shown by the demo before and during the conversation).
 */
export const recordingSettingsSchema = z.object({
  enabled: z.boolean().default(false),
  /** Days a recording is kept; the deletion job removes it after. */
  retentionDays: z.number().int().min(1).max(3650).default(30),
  /** What visitors are told while recording is on. */
  notice: z.string().trim().min(1).max(500).default(defaultRecordingNotice),
});
/** See {@link recordingSettingsSchema}. */
export type RecordingSettings = z.infer<typeof recordingSettingsSchema>;

/** Where a recording's audio came from. */
export const recordingSources = ['relay', 'live_import'] as const;

/** An interruption: the agent's audio was cut where the visitor had heard up to `heardMs`. */
export const recordingMarkSchema = z.object({
  type: z.literal('interruption'),
  /** Position in the recording (ms) where the agent's audio stops. */
  atMs: z.number(),
  itemId: z.string(),
  /** How much of that item's audio the visitor heard (the browser's `audio_end_ms`). */
  heardMs: z.number(),
});
/** See {@link recordingMarkSchema}. */
export type RecordingMark = z.infer<typeof recordingMarkSchema>;

/** One stored recording (a resumed conversation has one per connection). */
export const recordingSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  source: z.enum(recordingSources),
  /** `audio/ogg; codecs=opus`: left channel the visitor, right the agent. */
  contentType: z.string(),
  channels: z.number(),
  durationMs: z.number(),
  bytes: z.number(),
  /** When position 0 of the audio happened (the timeline's clock). */
  startedAt: z.string(),
  expiresAt: z.string(),
  marks: z.array(recordingMarkSchema),
  /** Waveform peaks per `bucketMs` (40), base64 of one byte (0..255) per bucket, one string per channel. */
  peaks: z.object({ bucketMs: z.number(), channels: z.array(z.string()) }),
  /** `GET` it for the audio (supports `Range`). */
  audioUrl: z.string(),
});
/** See {@link recordingSchema}. */
export type Recording = z.infer<typeof recordingSchema>;

/** Why a conversation has no recording to play. */
export const noRecordingReasons = [
  /** WebRTC calls: audio goes straight between the browser and the provider. */
  'webrtc',
  /** The browser talked to the provider directly with a client secret. */
  'direct',
  /** Recording was off for the agent version, or nothing was stored. */
  'not_recorded',
  /** The retention period passed and the deletion job removed it. */
  'expired',
] as const;

/** `GET /api/admin/conversations/:id/recording`. */
export const recordingAnswerSchema = z.object({
  recordings: z.array(recordingSchema),
  /** Set when `recordings` is empty. */
  reason: z.enum(noRecordingReasons).nullable(),
});
/** See {@link recordingAnswerSchema}. */
export type RecordingAnswer = z.infer<typeof recordingAnswerSchema>;

/** One entry of a conversation's timeline, at `atMs` from the first recording's start. */
export const timelineEntrySchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('item'),
    atMs: z.number(),
    itemId: z.string(),
    role: z.string().nullable(),
    type: z.string(),
    text: z.string().nullable(),
  }),
  z.object({
    kind: z.literal('tool_call'),
    atMs: z.number(),
    callId: z.string(),
    name: z.string(),
    arguments: z.string(),
    output: z.string().nullable(),
    outcome: z.string(),
    durationMs: z.number().nullable(),
  }),
  z.object({
    kind: z.literal('interruption'),
    atMs: z.number(),
    itemId: z.string(),
    heardMs: z.number(),
  }),
  z.object({
    kind: z.literal('latency'),
    atMs: z.number(),
    seq: z.number(),
    firstAudioMs: z.number().nullable(),
    toolMs: z.number(),
  }),
]);
/** See {@link timelineEntrySchema}. */
export type TimelineEntry = z.infer<typeof timelineEntrySchema>;

/** `GET /api/admin/conversations/:id/timeline`: entries in time order. */
export const timelineSchema = z.object({
  /** The clock's zero (the first recording's start, else the conversation's). */
  startedAt: z.string(),
  entries: z.array(timelineEntrySchema),
});
/** See {@link timelineSchema}. */
export type Timeline = z.infer<typeof timelineSchema>;
