/**
 * Log-scale latency buckets: exact below 100 ms, then 2 % wide, so a percentile read from a
 * histogram is within 1 % of the exact one while a month of turns is a few thousand rows
 * (about 140 buckets span 100 ms to 1.6 s, 350 reach 10 minutes).
 */
const exactBelowMs = 100;
const ratio = 1.02;
const logRatio = Math.log(ratio);

/** The bucket a duration in milliseconds falls in. */
export function latencyBucket(ms: number): number {
  const value = Math.max(0, Math.round(ms));
  if (value < exactBelowMs) return value;
  return exactBelowMs + Math.floor(Math.log(value / exactBelowMs) / logRatio + 1e-9);
}

/** The value a bucket stands for: itself below 100 ms, else the middle of its range. */
export function bucketValue(bucket: number): number {
  if (bucket < exactBelowMs) return bucket;
  const low = exactBelowMs * ratio ** (bucket - exactBelowMs);
  return Math.round(low * (1 + ratio) * 0.5);
}

/** Nearest-rank percentile (`p` in 0..100) of a histogram given as bucket → count; null when empty. */
export function histogramPercentile(counts: ReadonlyMap<number, number>, p: number): number | null {
  let total = 0;
  for (const count of counts.values()) total += count;
  if (total === 0) return null;
  const rank = Math.min(total, Math.max(1, Math.ceil((p / 100) * total)));
  let seen = 0;
  for (const bucket of [...counts.keys()].sort((a, b) => a - b)) {
    seen += counts.get(bucket) ?? 0;
    if (seen >= rank) return bucketValue(bucket);
  }
  return null;
}
