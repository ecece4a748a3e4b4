// Experiments: a traffic split between published versions of one agent, and their results.
import { z } from 'zod';

/** One arm: a version of the agent and its weight (relative share of new visitors). */
export const experimentArmSchema = z.object({
  version: z.number().int().min(1),
  weight: z.number().int().min(1).max(10_000),
});
/** See {@link experimentArmSchema}. */
export type ExperimentArm = z.infer<typeof experimentArmSchema>;

/**
 * `POST /api/admin/agents/:id/experiments`: start an experiment. The first arm is the baseline
 * the others are compared against. Weights are fixed for the experiment's life: a change would
 * move visitors who were already assigned (end it and start another instead).
 */
export const experimentCreateSchema = z.object({
  name: z.string().trim().min(1).max(100),
  arms: z
    .array(experimentArmSchema)
    .min(2, 'an experiment needs at least two versions')
    .max(10, 'at most 10 versions')
    .refine(
      (arms) => new Set(arms.map((arm) => arm.version)).size === arms.length,
      'each version at most once',
    ),
});
/** See {@link experimentCreateSchema}. */
export type ExperimentCreate = z.infer<typeof experimentCreateSchema>;

/** `POST /api/admin/experiments/:id/promote`: publish this version and end the experiment. */
export const experimentPromoteSchema = z.object({ version: z.number().int().min(1) });

/** An experiment as stored. */
export const experimentSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  name: z.string(),
  status: z.enum(['running', 'ended']),
  arms: z.array(experimentArmSchema),
  /** The version promoted when it ended that way; null otherwise. */
  promotedVersion: z.number().nullable(),
  startedAt: z.string(),
  endedAt: z.string().nullable(),
});
/** See {@link experimentSchema}. */
export type Experiment = z.infer<typeof experimentSchema>;

const interval = z.object({ low: z.number(), high: z.number() }).nullable();

/** A proportion with its sample and 95 % Wilson interval (null rate/interval: no sample). */
const proportionSchema = z.object({
  n: z.number(),
  successes: z.number(),
  rate: z.number().nullable(),
  interval,
});

/** The figures of one arm, over the conversations the experiment assigned to it. */
export const experimentArmResultSchema = z.object({
  version: z.number(),
  weight: z.number(),
  /** Sessions granted this version (the split as drawn; some never connect). */
  assigned: z.number(),
  /** Conversations that started on this version. */
  conversations: z.number(),
  /** Finished conversations that completed (the agent or visitor ended them normally). */
  completion: proportionSchema,
  /** Conversations with at least one lead. */
  leadCapture: proportionSchema,
  /** Conversations the post-call rubric judged successful (n: judged ones). */
  success: proportionSchema,
  /** Per user turn: end of speech to first agent audio. */
  latency: z.object({
    turns: z.number(),
    p50: z.number().nullable(),
    p95: z.number().nullable(),
    mean: z.number().nullable(),
    /** 95 % distribution-free interval of the median; null under the minimum sample. */
    p50Interval: interval,
  }),
  costPerConversationUsd: z.number().nullable(),
  /**
   * Differences against the baseline (first) arm, this arm minus the baseline, 95 % intervals;
   * null for the baseline itself and where either sample is under the minimum ("not enough data").
   */
  versusBaseline: z
    .object({
      completion: interval,
      leadCapture: interval,
      success: interval,
      latencyMeanMs: interval,
      costPerConversationUsd: interval,
    })
    .nullable(),
});
/** See {@link experimentArmResultSchema}. */
export type ExperimentArmResult = z.infer<typeof experimentArmResultSchema>;

/** `GET /api/admin/experiments/:id`: the experiment and its results per arm. */
export const experimentResultsSchema = z.object({
  experiment: experimentSchema,
  arms: z.array(experimentArmResultSchema),
  /** Below this many observations per arm an interval is not given. */
  minSample: z.number(),
});
/** See {@link experimentResultsSchema}. */
export type ExperimentResults = z.infer<typeof experimentResultsSchema>;

/** `GET /api/admin/experiments`. */
export const experimentListSchema = z.object({ experiments: z.array(experimentSchema) });
