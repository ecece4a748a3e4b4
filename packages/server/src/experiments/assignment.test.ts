import { describe, expect, it } from 'vitest';
import { assignVersion } from './assignment.js';

function shares(experimentId: string, arms: { version: number; weight: number }[], n: number) {
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i += 1) {
    const version = assignVersion(experimentId, `visitor-${i}`, arms);
    counts.set(version, (counts.get(version) ?? 0) + 1);
  }
  return new Map([...counts].map(([version, count]) => [version, count / n]));
}

describe('experiment assignment', () => {
  // A fixed experiment id and fixed keys: the split is deterministic (no flake), and 1 % of
  // tolerance at n = 100,000 is also over 7 standard deviations of a fair draw.
  it('splits 100,000 visitors within 1 % of the weights', () => {
    const arms = [
      { version: 1, weight: 50 },
      { version: 2, weight: 30 },
      { version: 5, weight: 20 },
    ];
    const split = shares('exp-fixed-1', arms, 100_000);
    expect(split.get(1)).toBeCloseTo(0.5, 1);
    expect(Math.abs(split.get(1)! - 0.5)).toBeLessThan(0.01);
    expect(Math.abs(split.get(2)! - 0.3)).toBeLessThan(0.01);
    expect(Math.abs(split.get(5)! - 0.2)).toBeLessThan(0.01);
  });

  it('honours uneven weights on any scale', () => {
    const split = shares(
      'exp-fixed-2',
      [
        { version: 3, weight: 1 },
        { version: 4, weight: 9 },
      ],
      100_000,
    );
    expect(Math.abs(split.get(3)! - 0.1)).toBeLessThan(0.01);
    expect(Math.abs(split.get(4)! - 0.9)).toBeLessThan(0.01);
  });

  it('is sticky: a visitor keeps their version; another experiment draws afresh', () => {
    const arms = [
      { version: 1, weight: 1 },
      { version: 2, weight: 1 },
    ];
    for (let i = 0; i < 100; i += 1) {
      const first = assignVersion('exp-a', `v-${i}`, arms);
      for (let again = 0; again < 5; again += 1)
        expect(assignVersion('exp-a', `v-${i}`, arms)).toBe(first);
    }
    const differs = Array.from({ length: 200 }, (_, i) => `v-${i}`).filter(
      (key) => assignVersion('exp-a', key, arms) !== assignVersion('exp-b', key, arms),
    );
    // Independent draws disagree about half the time (deterministic for these fixed ids).
    expect(differs.length).toBeGreaterThan(60);
    expect(differs.length).toBeLessThan(140);
  });
});
