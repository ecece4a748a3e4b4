/**
 * Figures over conversations: counts, completion and lead rates, latency, cost, per day. Latency
 * is per user turn (end of speech to first agent audio), read from the turn histograms.
 */
import type { Analytics } from '../schemas.js';
import type { Database } from './database.js';
import { createTurnsStore } from './turns-store.js';

const dayMs = 86_400_000;

/** Conversations started in the range that the post-call rubric judged, and how many succeeded. */
async function successVerdicts(
  { db }: Database,
  range: { agentId: string | undefined; from: string; end: string },
): Promise<{ count: number; successes: number | null }> {
  let query = db
    .selectFrom('conversations')
    .innerJoin('conversation_analyses', 'conversation_analyses.conversation_id', 'conversations.id')
    .where('conversations.started_at', '>=', range.from)
    .where('conversations.started_at', '<', range.end)
    .where('conversation_analyses.success', 'is not', null);
  if (range.agentId !== undefined)
    query = query.where('conversations.agent_id', '=', range.agentId);
  return query
    .select((eb) => [
      eb.fn.countAll<number>().as('count'),
      eb.fn.sum<number>('conversation_analyses.success').as('successes'),
    ])
    .executeTakeFirstOrThrow();
}

/** Aggregates over stored conversations. */
export function createAnalyticsStore(database: Database, now: () => Date) {
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
      const end = new Date(Date.parse(to) + dayMs).toISOString();
      const base = () => {
        let query = db
          .selectFrom('conversations')
          .where('conversations.started_at', '>=', from)
          .where('conversations.started_at', '<', end);
        if (options.agentId !== undefined)
          query = query.where('conversations.agent_id', '=', options.agentId);
        return query;
      };
      const [perDay, totals, finished, withLeads, latencies, verdicts] = await Promise.all([
        base()
          .select((eb) => [
            eb.fn<string>('substr', ['started_at', eb.val(1), eb.val(10)]).as('day'),
            eb.fn.countAll<number>().as('count'),
            eb.fn.sum<number>('cost_usd').as('cost'),
          ])
          .groupBy('day')
          .orderBy('day')
          .execute(),
        base()
          .select((eb) => [
            eb.fn.countAll<number>().as('count'),
            eb.fn.sum<number>('cost_usd').as('cost'),
            eb.fn.avg<number>('duration_ms').as('duration'),
          ])
          .executeTakeFirstOrThrow(),
        base()
          .select((eb) => [
            eb.fn.countAll<number>().as('count'),
            eb.fn
              .sum<number>(eb.case().when('status', '=', 'completed').then(1).else(0).end())
              .as('completed'),
          ])
          .where('status', '!=', 'active')
          .executeTakeFirstOrThrow(),
        base()
          .select((eb) => eb.fn.count<number>('id').distinct().as('count'))
          .where((eb) =>
            eb.exists(
              eb
                .selectFrom('leads')
                .select('leads.id')
                .whereRef('leads.conversation_id', '=', 'conversations.id'),
            ),
          )
          .executeTakeFirstOrThrow(),
        turns.latency({ agentId: options.agentId, from, to }),
        successVerdicts(database, { agentId: options.agentId, from, end }),
      ]);
      const judged = Number(verdicts.count);
      const count = Number(totals.count);
      const totalCost = Number(totals.cost ?? 0);
      const finishedCount = Number(finished.count);
      const latencyByDay = new Map(latencies.daily.map((row) => [row.day, row]));
      const daily = perDay.map((row) => {
        const latency = latencyByDay.get(row.day);
        return {
          day: row.day,
          conversations: Number(row.count),
          latencyMsP50: latency?.firstAudioMsP50 ?? null,
          latencyMsP95: latency?.firstAudioMsP95 ?? null,
          costUsd: Number(row.cost ?? 0),
        };
      });
      return {
        from,
        to,
        conversations: count,
        conversationsPerDay: perDay.map((row) => ({ day: row.day, count: Number(row.count) })),
        averageDurationMs:
          totals.duration === null || totals.duration === undefined
            ? null
            : Math.round(Number(totals.duration)),
        completionRate:
          finishedCount === 0 ? null : Number(finished.completed ?? 0) / finishedCount,
        leadCaptureRate: count === 0 ? null : Number(withLeads.count) / count,
        latencyMsP50: latencies.overall.firstAudioMsP50,
        latencyMsP95: latencies.overall.firstAudioMsP95,
        costPerConversationUsd: count === 0 ? null : totalCost / count,
        totalCostUsd: totalCost,
        successRate: judged === 0 ? null : Number(verdicts.successes ?? 0) / judged,
        judgedConversations: judged,
        daily,
      };
    },
  };
}

/** See {@link createAnalyticsStore}. */
export type AnalyticsStore = ReturnType<typeof createAnalyticsStore>;
