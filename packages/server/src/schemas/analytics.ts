// Analytics: the query and the daily figures.
import { z } from 'zod';

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
  /** Share of analysed conversations the rubric judged successful (0..1; null without any). */
  successRate: z.number().nullable().optional(),
  /** Conversations with a success verdict (the sample behind `successRate`). */
  judgedConversations: z.number().optional(),
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

/** p50/p95 of one group of turns (null when the group has none). */
export const latencyFiguresSchema = z.object({
  /** Turns with a first agent audio. */
  turns: z.number(),
  /** End of the visitor's speech to the agent's first audio. */
  firstAudioMsP50: z.number().nullable(),
  firstAudioMsP95: z.number().nullable(),
  /** Turns in which tools ran. */
  toolTurns: z.number(),
  /** Time a turn spent in its tools (turns with tools only). */
  toolMsP50: z.number().nullable(),
  toolMsP95: z.number().nullable(),
});
/** See {@link latencyFiguresSchema}. */
export type LatencyFigures = z.infer<typeof latencyFiguresSchema>;

/**
 * `GET /api/admin/analytics/latency`: per-turn latency by day, by agent version, and by both.
 * Percentiles come from 2 %-wide log buckets (exact below 100 ms): within 1 % of the exact value.
 */
export const latencyAnalyticsSchema = z.object({
  from: z.string(),
  to: z.string(),
  overall: latencyFiguresSchema,
  daily: z.array(latencyFiguresSchema.extend({ day: z.string() })),
  versions: z.array(
    latencyFiguresSchema.extend({ agentId: z.string(), agentVersion: z.number().nullable() }),
  ),
  versionDaily: z.array(
    latencyFiguresSchema.extend({
      agentId: z.string(),
      agentVersion: z.number().nullable(),
      day: z.string(),
    }),
  ),
});
/** See {@link latencyAnalyticsSchema}. */
export type LatencyAnalytics = z.infer<typeof latencyAnalyticsSchema>;
