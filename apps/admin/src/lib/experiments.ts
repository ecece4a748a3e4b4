// How the Experiments page states results: a difference with its 95 % interval, in words that
// do not overclaim ("no clear difference" when the interval spans zero, "not enough data" when
// a sample is too small for an interval), and the form's arms checked before they are sent.
import { experimentCreateSchema } from '@parley/server/schemas';
import type { ExperimentCreate } from '@parley/server/schemas';

/** A 95 % interval of a difference (this version minus the baseline), or null. */
export type Interval = { low: number; high: number } | null;

/** What an interval says about a difference. */
export type Verdict = 'not-enough-data' | 'no-clear-difference' | 'higher' | 'lower';

/** Reads an interval: above zero, below zero, spanning zero, or missing. */
export function verdict(interval: Interval): Verdict {
  if (interval === null) return 'not-enough-data';
  if (interval.low > 0) return 'higher';
  if (interval.high < 0) return 'lower';
  return 'no-clear-difference';
}

const signed = (value: number, format: (v: number) => string) =>
  `${value > 0 ? '+' : value < 0 ? '−' : '±'}${format(Math.abs(value))}`;

/** `+4.0 to +21.3 pts`, in the unit `format` gives; `not enough data` when null. */
export function formatInterval(interval: Interval, format: (v: number) => string): string {
  if (interval === null) return 'not enough data';
  return `${signed(interval.low, format)} to ${signed(interval.high, format)}`;
}

/** Percentage points of a proportion difference (0.042 → `4.2 pts`). */
export const points = (value: number): string => `${(value * 100).toFixed(1)} pts`;

/** One row of the new-experiment form, as typed. */
export interface ArmDraft {
  version: string;
  weight: string;
}

/** The request body from the form, or the first problem as a sentence. */
export function experimentRequest(
  name: string,
  arms: readonly ArmDraft[],
): { ok: true; body: ExperimentCreate } | { ok: false; message: string } {
  const parsed = experimentCreateSchema.safeParse({
    name,
    arms: arms.map((arm) => ({ version: Number(arm.version), weight: Number(arm.weight) })),
  });
  if (parsed.success) return { ok: true, body: parsed.data };
  const issue = parsed.error.issues[0]!;
  const where = issue.path.length > 0 ? `${issue.path.join(' ')}: ` : '';
  return { ok: false, message: `${where}${issue.message}` };
}

/** Each arm's share of new visitors, from the weights (`[1, 3]` → `[0.25, 0.75]`). */
export function shares(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => (total === 0 ? 0 : weight / total));
}
