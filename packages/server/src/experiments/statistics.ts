/**
 * The uncertainty of an experiment's differences, stated plainly: 95 % intervals, and no
 * interval at all when a sample is too small for the approximation to mean anything.
 *
 * - Proportions (completion, lead capture, success): Wilson score interval per arm, and
 *   Newcombe's hybrid score interval for the difference (method 10 of Newcombe 1998), which
 *   behaves near 0 and 1 where the textbook Wald interval does not.
 * - Means (cost per conversation, latency): Welch's interval for the difference of means with a
 *   normal quantile (the samples this is computed for are at least `minSample` large).
 * - Medians (latency p50 per arm): the distribution-free order-statistic interval.
 */

/** z for a two-sided 95 % interval. */
export const z95 = 1.959963984540054;

/** Below this many observations per arm, an interval is not given ("not enough data"). */
export const minSample = 10;

/** A closed interval. */
export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval of `successes` out of `n`; null when `n` is 0. */
export function wilsonInterval(successes: number, n: number, z = z95): Interval | null {
  if (n <= 0) return null;
  const p = successes / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Newcombe's interval for p2 − p1 (arm 2 minus arm 1); null when either arm has fewer than
 * `minSample` observations.
 */
export function newcombeDifference(
  a: { successes: number; n: number },
  b: { successes: number; n: number },
  z = z95,
): Interval | null {
  if (a.n < minSample || b.n < minSample) return null;
  const wa = wilsonInterval(a.successes, a.n, z)!;
  const wb = wilsonInterval(b.successes, b.n, z)!;
  const pa = a.successes / a.n;
  const pb = b.successes / b.n;
  const d = pb - pa;
  return {
    low: d - Math.sqrt((pb - wb.low) ** 2 + (wa.high - pa) ** 2),
    high: d + Math.sqrt((wb.high - pb) ** 2 + (pa - wa.low) ** 2),
  };
}

/** A sample summarised for a difference of means. */
export interface Moments {
  n: number;
  sum: number;
  sumOfSquares: number;
}

/** Unbiased variance from moments (0 for n < 2). */
function variance({ n, sum, sumOfSquares }: Moments): number {
  if (n < 2) return 0;
  return Math.max(0, (sumOfSquares - (sum * sum) / n) / (n - 1));
}

/** Welch interval of mean(b) − mean(a); null when either arm has fewer than `minSample`. */
export function meanDifference(a: Moments, b: Moments, z = z95): Interval | null {
  if (a.n < minSample || b.n < minSample) return null;
  const d = b.sum / b.n - a.sum / a.n;
  const se = Math.sqrt(variance(a) / a.n + variance(b) / b.n);
  return { low: d - z * se, high: d + z * se };
}

/** Summarises numbers into moments. */
export function moments(values: readonly number[]): Moments {
  let sum = 0;
  let sumOfSquares = 0;
  for (const value of values) {
    sum += value;
    sumOfSquares += value * value;
  }
  return { n: values.length, sum, sumOfSquares };
}

/**
 * A ≥ 95 % distribution-free interval for the median of sorted values: the order statistics
 * x(k) and x(n+1−k) with the largest k such that P(Bin(n, ½) ≤ k−1) ≤ 2.5 %. Null when
 * `n` < `minSample`.
 */
export function medianInterval(sorted: readonly number[]): Interval | null {
  const n = sorted.length;
  if (n < minSample) return null;
  // P(Bin(n, ½) ≤ j), term by term in log space (2^-n underflows for large n).
  let logTerm = -n * Math.LN2;
  let cdf = Math.exp(logTerm);
  let j = 0;
  while (cdf <= 0.025) {
    j += 1;
    logTerm += Math.log((n - j + 1) / j);
    cdf += Math.exp(logTerm);
  }
  // j is the first count past 2.5 %: the interval is x(j) to x(n + 1 − j), 1-based.
  const rank = Math.max(1, j);
  return { low: sorted[rank - 1]!, high: sorted[n - rank]! };
}
