import { describe, expect, it } from 'vitest';
import type { Conversation, Lead } from '@parley/server/schemas';
import { dailyFigures, daysBetween, percentile, withServerDaily } from './analytics.js';

function conversation(startedAt: string, patch: Partial<Conversation> = {}): Conversation {
  return {
    id: startedAt,
    agentId: 'a',
    agentVersion: 1,
    mode: 'relay',
    model: 'gpt-realtime',
    status: 'completed',
    endReason: null,
    startedAt,
    endedAt: null,
    durationMs: 1000,
    inputTokens: 10,
    outputTokens: 20,
    costUsd: 0.01,
    latencyMsP50: 500,
    itemCount: 2,
    usageSeconds: 0,
    ...patch,
  };
}

describe('analytics series', () => {
  it('lists every day of a range, inclusive', () => {
    expect(daysBetween('2026-02-27', '2026-03-02')).toEqual([
      '2026-02-27',
      '2026-02-28',
      '2026-03-01',
      '2026-03-02',
    ]);
  });

  it('takes nearest-rank percentiles', () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([300, 100, 200], 0.5)).toBe(200);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 100], 0.95)).toBe(100);
  });

  it('groups conversations and leads by day, keeping empty days', () => {
    const rows = [
      conversation('2026-03-01T10:00:00.000Z', { costUsd: 0.02, latencyMsP50: 400 }),
      conversation('2026-03-01T11:00:00.000Z', { status: 'failed', latencyMsP50: 800 }),
      conversation('2026-03-03T09:00:00.000Z', { latencyMsP50: null }),
    ];
    const leads = [{ createdAt: '2026-03-01T10:05:00.000Z' } as Lead];
    const days = dailyFigures(daysBetween('2026-03-01', '2026-03-03'), rows, leads);
    expect(days.map((d) => d.conversations)).toEqual([2, 0, 1]);
    expect(days[0]).toMatchObject({
      completed: 1,
      failed: 1,
      leads: 1,
      latencyMsP50: 400,
      latencyMsP95: 800,
    });
    expect(days[0]?.costUsd).toBeCloseTo(0.03);
    expect(days[2]?.latencyMsP50).toBeNull();
  });
});

describe('withServerDaily', () => {
  it("prefers the server's per-day counts, cost and per-response latency percentiles", () => {
    const days = dailyFigures(
      ['2026-03-01', '2026-03-02'],
      [conversation('2026-03-01T10:00:00Z'), conversation('2026-03-02T10:00:00Z')],
      [],
    );
    const merged = withServerDaily(days, {
      conversationsPerDay: [{ day: '2026-03-01', count: 3 }],
      daily: [
        {
          day: '2026-03-01',
          conversations: 3,
          latencyMsP50: 420,
          latencyMsP95: 910,
          costUsd: 0.5,
        },
      ],
    });
    expect(merged[0]).toMatchObject({
      day: '2026-03-01',
      conversations: 3,
      costUsd: 0.5,
      latencyMsP50: 420,
      latencyMsP95: 910,
      completed: 1,
    });
    // A day the server does not list keeps what the rows gave.
    expect(merged[1]).toEqual(days[1]);
  });

  it('changes nothing but the counts when the server sends no daily series', () => {
    const days = dailyFigures(['2026-03-01'], [conversation('2026-03-01T10:00:00Z')], []);
    expect(withServerDaily(days, { conversationsPerDay: [] })).toEqual(days);
  });
});
