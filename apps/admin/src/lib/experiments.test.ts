import { describe, expect, it } from 'vitest';
import { experimentRequest, formatInterval, points, shares, verdict } from './experiments.js';

describe('experiment results in words', () => {
  it('reads an interval without overclaiming', () => {
    expect(verdict(null)).toBe('not-enough-data');
    expect(verdict({ low: 0.01, high: 0.2 })).toBe('higher');
    expect(verdict({ low: -0.2, high: -0.01 })).toBe('lower');
    expect(verdict({ low: -0.05, high: 0.1 })).toBe('no-clear-difference');
  });

  it('formats a signed interval in the given unit', () => {
    expect(formatInterval({ low: 0.0524, high: 0.3339 }, points)).toBe('+5.2 pts to +33.4 pts');
    expect(formatInterval({ low: -0.02, high: 0.01 }, points)).toBe('−2.0 pts to +1.0 pts');
    expect(formatInterval(null, points)).toBe('not enough data');
  });

  it('checks the form with the server schema and names the problem', () => {
    expect(experimentRequest('voice', [{ version: '1', weight: '1' }])).toEqual({
      ok: false,
      message: 'arms: an experiment needs at least two versions',
    });
    const same = experimentRequest('voice', [
      { version: '2', weight: '1' },
      { version: '2', weight: '1' },
    ]);
    expect(same).toEqual({ ok: false, message: 'arms: each version at most once' });
    expect(
      experimentRequest('voice', [
        { version: '1', weight: '1' },
        { version: '2', weight: '3' },
      ]),
    ).toEqual({
      ok: true,
      body: {
        name: 'voice',
        arms: [
          { version: 1, weight: 1 },
          { version: 2, weight: 3 },
        ],
      },
    });
  });

  it('turns weights into shares', () => {
    expect(shares([1, 3])).toEqual([0.25, 0.75]);
    expect(shares([])).toEqual([]);
  });
});
