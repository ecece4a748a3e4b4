import { describe, expect, it } from 'vitest';
import { bucketValue, histogramPercentile, latencyBucket } from './latency-buckets.js';
import { percentile } from './percentile.js';

describe('latency buckets', () => {
  it('keeps durations under 100 ms exact and larger ones within 1 %', () => {
    expect(latencyBucket(0)).toBe(0);
    expect(bucketValue(latencyBucket(42))).toBe(42);
    for (const ms of [100, 137, 480, 999, 1_000, 2_345, 60_000, 600_000]) {
      const value = bucketValue(latencyBucket(ms));
      expect(Math.abs(value - ms) / ms).toBeLessThanOrEqual(0.0101);
    }
  });

  it('orders buckets as their durations', () => {
    let last = -1;
    for (let ms = 0; ms < 20_000; ms += 7) {
      const bucket = latencyBucket(ms);
      expect(bucket).toBeGreaterThanOrEqual(last);
      last = bucket;
    }
  });

  it('reads nearest-rank percentiles from a histogram close to the exact ones', () => {
    const values = Array.from({ length: 1_000 }, (_, i) => 150 + ((i * 7919) % 2_850));
    const counts = new Map<number, number>();
    for (const value of values) {
      const bucket = latencyBucket(value);
      counts.set(bucket, (counts.get(bucket) ?? 0) + 1);
    }
    const sorted = [...values].sort((a, b) => a - b);
    for (const p of [50, 95]) {
      const exact = percentile(sorted, p)!;
      expect(Math.abs(histogramPercentile(counts, p)! - exact) / exact).toBeLessThanOrEqual(0.0101);
    }
    expect(histogramPercentile(new Map(), 50)).toBeNull();
  });
});
