/**
 * An experiment's results: per version, the figures over the conversations it was given, with
 * sample sizes, and each version's difference from the baseline (the first arm) as a 95 %
 * interval, or null where a sample is under {@link minSample} ("not enough data").
 */
import type { Experiment, ExperimentArmResult, ExperimentResults } from '../schemas.js';
import type { ArmFigures } from '../storage/experiments-store.js';
import type { Store } from '../storage/store.js';
import { percentile } from '../storage/percentile.js';
import {
  medianInterval,
  meanDifference,
  minSample,
  moments,
  newcombeDifference,
  wilsonInterval,
} from './statistics.js';

function proportion(successes: number, n: number) {
  return {
    n,
    successes,
    rate: n === 0 ? null : successes / n,
    interval: wilsonInterval(successes, n),
  };
}

const empty = (version: number): ArmFigures => ({
  version,
  conversations: 0,
  finished: 0,
  completed: 0,
  withLeads: 0,
  judged: 0,
  successes: 0,
  costSum: 0,
  costSumOfSquares: 0,
});

interface ArmInput {
  figures: ArmFigures;
  latencies: number[];
}

function armResult(weight: number, { figures: f, latencies }: ArmInput) {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    version: f.version,
    weight,
    conversations: f.conversations,
    completion: proportion(f.completed, f.finished),
    leadCapture: proportion(f.withLeads, f.conversations),
    success: proportion(f.successes, f.judged),
    latency: {
      turns: sorted.length,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      mean: sorted.length === 0 ? null : sorted.reduce((s, v) => s + v, 0) / sorted.length,
      p50Interval: medianInterval(sorted),
    },
    costPerConversationUsd: f.conversations === 0 ? null : f.costSum / f.conversations,
  };
}

function versusBaseline(base: ArmInput, arm: ArmInput): ExperimentArmResult['versusBaseline'] {
  const a = base.figures;
  const b = arm.figures;
  const cost = (f: ArmFigures) => ({
    n: f.conversations,
    sum: f.costSum,
    sumOfSquares: f.costSumOfSquares,
  });
  return {
    completion: newcombeDifference(
      { successes: a.completed, n: a.finished },
      { successes: b.completed, n: b.finished },
    ),
    leadCapture: newcombeDifference(
      { successes: a.withLeads, n: a.conversations },
      { successes: b.withLeads, n: b.conversations },
    ),
    success: newcombeDifference(
      { successes: a.successes, n: a.judged },
      { successes: b.successes, n: b.judged },
    ),
    latencyMeanMs: meanDifference(moments(base.latencies), moments(arm.latencies)),
    costPerConversationUsd: meanDifference(cost(a), cost(b)),
  };
}

/** The results of `experiment` from what is stored now. */
export async function experimentResults(
  store: Store,
  experiment: Experiment,
): Promise<ExperimentResults> {
  const [figures, latencies, assigned] = await Promise.all([
    store.experiments.armFigures(experiment.id),
    store.experiments.armLatencies(experiment.id),
    store.experiments.armAssigned(experiment.id),
  ]);
  const inputs = experiment.arms.map((arm) => ({
    figures: figures.find((f) => f.version === arm.version) ?? empty(arm.version),
    latencies: latencies.get(arm.version) ?? [],
  }));
  const base = inputs[0]!;
  return {
    experiment,
    arms: experiment.arms.map((arm, index) => ({
      ...armResult(arm.weight, inputs[index]!),
      assigned: assigned.get(arm.version) ?? 0,
      versusBaseline: index === 0 ? null : versusBaseline(base, inputs[index]!),
    })),
    minSample,
  };
}
