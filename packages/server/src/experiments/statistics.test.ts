import { describe, expect, it } from 'vitest';
import {
  meanDifference,
  medianInterval,
  moments,
  newcombeDifference,
  wilsonInterval,
} from './statistics.js';

describe('experiment statistics', () => {
  it('gives the Wilson interval of a proportion (Newcombe 1998, single-proportion examples)', () => {
    const a = wilsonInterval(81, 263)!;
    expect(a.low).toBeCloseTo(0.2553, 4);
    expect(a.high).toBeCloseTo(0.3662, 4);
    const zero = wilsonInterval(0, 10)!;
    expect(zero.low).toBe(0);
    expect(zero.high).toBeCloseTo(0.2775, 4);
    expect(wilsonInterval(0, 0)).toBeNull();
  });

  it("gives Newcombe's hybrid score interval of a difference (1998, method 10 examples)", () => {
    // 56/70 − 48/80: 0.0524 to 0.3339.
    const d = newcombeDifference({ successes: 48, n: 80 }, { successes: 56, n: 70 })!;
    expect(d.low).toBeCloseTo(0.0524, 4);
    expect(d.high).toBeCloseTo(0.3339, 4);
    // 10/10 − 0/20, by hand: Wilson 10/10 from 0.7225, 0/20 up to 0.1611, so the difference
    // 1 − √(0.2775² + 0.1611²) = 0.679 to 1; it stays inside [−1, 1] where Wald would not.
    const extreme = newcombeDifference({ successes: 0, n: 20 }, { successes: 10, n: 10 })!;
    expect(extreme.low).toBeCloseTo(0.6791, 3);
    expect(extreme.high).toBeCloseTo(1, 4);
  });

  it('says "not enough data" (null) under ten observations in either arm', () => {
    expect(newcombeDifference({ successes: 3, n: 9 }, { successes: 50, n: 100 })).toBeNull();
    expect(meanDifference(moments([1, 2, 3]), moments(Array(50).fill(2)))).toBeNull();
    expect(medianInterval([1, 2, 3, 4, 5, 6, 7, 8, 9])).toBeNull();
  });

  it("gives Welch's interval of a difference of means", () => {
    const a = moments([10, 12, 11, 13, 9, 10, 12, 11, 10, 12]); // mean 11, var 1.5556
    const b = moments([15, 14, 16, 13, 17, 15, 14, 16, 15, 15]); // mean 15, var 1.3333
    const d = meanDifference(a, b)!;
    const se = Math.sqrt(1.5556 / 10 + 1.3333 / 10);
    expect((d.low + d.high) / 2).toBeCloseTo(4, 9);
    expect(d.high - d.low).toBeCloseTo(2 * 1.96 * se, 2);
  });

  it('gives the order-statistic interval of a median', () => {
    const ten = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    // n = 10: x(2) to x(9), coverage 97.9 %.
    expect(medianInterval(ten)).toEqual({ low: 2, high: 9 });
    const many = Array.from({ length: 10_001 }, (_, i) => i);
    const wide = medianInterval(many)!;
    // n large: about n/2 ± 1.96·√n/2 = 5000 ± 98.
    expect(wide.low).toBeGreaterThan(4895);
    expect(wide.low).toBeLessThan(4905);
    expect(wide.high).toBe(10_000 - wide.low);
  });
});
