/**
 * Figures over conversations: counts, completion and lead rates, latency, cost, per day. Latency
 * is per user turn (end of speech to first agent audio), read from the turn histograms.
 */
import { sql } from 'kysely';
import type { Analytics } from '../schemas.js';
import type { Database } from './database.js';
import { figureSource } from './figure-sources.js';
import type { FigureSource } from './figure-sources.js';
import { createTurnsStore } from './turns-store.js';

const dayMs = 86_400_000;

interface DayRow {
  day: string;
  conversations: number | string;
  finished: number | string | null;
  completed: number | string | null;
  with_lead: number | string | null;
  judged: number | string | null;
  successes: number | string | null;
  duration_count: number | string | null;
  duration_ms_sum: number | string | null;
  cost_usd: number | string | null;
}

const summed = [
  'conversations',
  'finished',
  'completed',
  'with_lead',
  'judged',
  'successes',
  'duration_count',
  'duration_ms_sum',
  'cost_usd',
] as const;

/** The per-day rows summed over the range. */
function sumDays(rows: readonly DayRow[]): Record<(typeof summed)[number], number> {
  const totals = Object.fromEntries(summed.map((column) => [column, 0])) as Record<
    (typeof summed)[number],
    number
  >;
  for (const row of rows) for (const column of summed) totals[column] += Number(row[column] ?? 0);
  return totals;
}

/**
 * Aggregates over stored conversations, read from `source` (see `figure-sources.ts`; the
 * rollups unless a test or the benchmark asks for the raw rows).
 */
export function createAnalyticsStore(
  database: Database,
  now: () => Date,
  source: FigureSource = 'rollups',
) {
  const { db } = database;
  const iso = () => now().toISOString();
  const turns = createTurnsStore(database, now);
  return {
    /** Aggregates over conversations started between `from` and `to` (inclusive UTC days). */
    async summary(options: {
      agentId?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
    }): Promise<Analytics> {
      const to = options.to ?? iso().slice(0, 10);
      const from = options.from ?? new Date(Date.parse(to) - 29 * dayMs).toISOString().slice(0, 10);
      const figures = figureSource(source, { agentId: options.agentId, from, to }, summed);
      const [days, latencies] = await Promise.all([
        sql<DayRow>`
          select day, ${sql.join(summed.map((column) => sql`sum(${sql.ref(column)}) as ${sql.ref(column)}`))}
          from (${figures}) s
          group by day
          order by day
        `.execute(db),
        turns.firstAudioByDay({ agentId: options.agentId, from, to }),
      ]);
      const perDay = days.rows;
      const totals = sumDays(perDay);
      const judged = totals.judged;
      const count = totals.conversations;
      const totalCost = totals.cost_usd;
      const finishedCount = totals.finished;
      const latencyByDay = new Map(latencies.daily.map((row) => [row.day, row]));
      const daily = perDay.map((row) => {
        const latency = latencyByDay.get(row.day);
        return {
          day: row.day,
          conversations: Number(row.conversations),
          latencyMsP50: latency?.firstAudioMsP50 ?? null,
          latencyMsP95: latency?.firstAudioMsP95 ?? null,
          costUsd: Number(row.cost_usd ?? 0),
        };
      });
      return {
        from,
        to,
        conversations: count,
        conversationsPerDay: perDay.map((row) => ({
          day: row.day,
          count: Number(row.conversations),
        })),
        averageDurationMs:
          totals.duration_count === 0
            ? null
            : Math.round(totals.duration_ms_sum / totals.duration_count),
        completionRate: finishedCount === 0 ? null : totals.completed / finishedCount,
        leadCaptureRate: count === 0 ? null : totals.with_lead / count,
        latencyMsP50: latencies.overall.firstAudioMsP50,
        latencyMsP95: latencies.overall.firstAudioMsP95,
        costPerConversationUsd: count === 0 ? null : totalCost / count,
        totalCostUsd: totalCost,
        successRate: judged === 0 ? null : totals.successes / judged,
        judgedConversations: judged,
        daily,
      };
    },
  };
}

/** See {@link createAnalyticsStore}. */
export type AnalyticsStore = ReturnType<typeof createAnalyticsStore>;
