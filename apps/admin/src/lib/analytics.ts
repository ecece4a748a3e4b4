// Daily series for the analytics charts, computed from conversation and lead rows.
import type { Analytics, Conversation, Lead } from '@parley/server/schemas';

/** One day of activity. */
export interface DayFigures {
  day: string;
  conversations: number;
  completed: number;
  failed: number;
  leads: number;
  costUsd: number;
  /**
   * First-audio latency percentiles of the day; null without data. From rows, they are taken over
   * each conversation's median; {@link withServerDaily} replaces them with the server's, taken
   * over every response.
   */
  latencyMsP50: number | null;
  latencyMsP95: number | null;
}

/** Nearest-rank percentile of unsorted values (`p` in 0..1); null for none. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank] ?? null;
}

/** Every ISO day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${to}T00:00:00Z`);
  for (
    let at = Date.parse(`${from}T00:00:00Z`);
    at <= end && days.length < 1000;
    at += 86_400_000
  ) {
    days.push(new Date(at).toISOString().slice(0, 10));
  }
  return days;
}

/** Groups conversations and leads by UTC day over `days`, with zero days kept. */
export function dailyFigures(
  days: readonly string[],
  conversations: readonly Conversation[],
  leads: readonly Lead[],
): DayFigures[] {
  const byDay = new Map(
    days.map((day) => [day, { conversations: [] as Conversation[], leads: 0 }]),
  );
  for (const conversation of conversations)
    byDay.get(conversation.startedAt.slice(0, 10))?.conversations.push(conversation);
  for (const lead of leads) {
    const bucket = byDay.get(lead.createdAt.slice(0, 10));
    if (bucket) bucket.leads += 1;
  }
  return days.map((day) => {
    const bucket = byDay.get(day) ?? { conversations: [], leads: 0 };
    const latencies = bucket.conversations.flatMap((c) =>
      c.latencyMsP50 === null ? [] : [c.latencyMsP50],
    );
    return {
      day,
      conversations: bucket.conversations.length,
      completed: bucket.conversations.filter((c) => c.status === 'completed').length,
      failed: bucket.conversations.filter((c) => c.status === 'failed').length,
      leads: bucket.leads,
      costUsd: bucket.conversations.reduce((sum, c) => sum + c.costUsd, 0),
      latencyMsP50: percentile(latencies, 0.5),
      latencyMsP95: percentile(latencies, 0.95),
    };
  });
}

/**
 * Lays the server's own per-day figures over the ones computed from conversation rows: its
 * counts, its cost, and its latency percentiles, which are taken over every response of the day
 * (not over each conversation's median). Days the server does not list keep their computed values;
 * without a server series (an older server) nothing changes.
 */
export function withServerDaily(
  days: readonly DayFigures[],
  analytics: Pick<Analytics, 'conversationsPerDay' | 'daily'>,
): DayFigures[] {
  const counts = new Map(analytics.conversationsPerDay.map((d) => [d.day.slice(0, 10), d.count]));
  const daily = new Map((analytics.daily ?? []).map((d) => [d.day.slice(0, 10), d]));
  return days.map((figures) => {
    const server = daily.get(figures.day);
    return {
      ...figures,
      conversations: counts.get(figures.day) ?? server?.conversations ?? figures.conversations,
      ...(server
        ? {
            costUsd: server.costUsd,
            latencyMsP50: server.latencyMsP50,
            latencyMsP95: server.latencyMsP95,
          }
        : {}),
    };
  });
}
