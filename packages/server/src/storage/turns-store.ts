/**
 * Turns of relayed conversations: end of the visitor's speech to the agent's first audio, and
 * the time the turn's tools took. Each turn is stored and counted into the daily latency
 * histogram of its agent and version, from which analytics reads p50/p95 without sorting turns.
 */
import { randomUUID } from 'node:crypto';
import type { LatencyAnalytics, LatencyFigures, StoredTurn } from '../schemas.js';
import type { Database } from './database.js';
import { histogramPercentile, latencyBucket } from './latency-buckets.js';
import type { LatencyHistogramTable } from './tables.js';

/** One finished turn, as the relay measured it. */
export interface TurnWrite {
  seq: number;
  firstAudioMs: number | null;
  toolMs: number;
  toolCalls: number;
  responses: number;
}

/** The histogram metrics: time to first audio, and time in tools (turns with tools only). */
export type LatencyMetric = 'first_audio' | 'tools';

const dayMs = 86_400_000;

/** Accumulates bucket counts of both metrics for one group. */
class Histograms {
  readonly firstAudio = new Map<number, number>();
  readonly tools = new Map<number, number>();
  add(metric: string, bucket: number, count: number): void {
    const target = metric === 'tools' ? this.tools : this.firstAudio;
    target.set(bucket, (target.get(bucket) ?? 0) + count);
  }
  figures(): LatencyFigures {
    let turns = 0;
    for (const count of this.firstAudio.values()) turns += count;
    let toolTurns = 0;
    for (const count of this.tools.values()) toolTurns += count;
    return {
      turns,
      firstAudioMsP50: histogramPercentile(this.firstAudio, 50),
      firstAudioMsP95: histogramPercentile(this.firstAudio, 95),
      toolTurns,
      toolMsP50: histogramPercentile(this.tools, 50),
      toolMsP95: histogramPercentile(this.tools, 95),
    };
  }
}

function group<K>(map: Map<K, Histograms>, key: K): Histograms {
  let value = map.get(key);
  if (!value) {
    value = new Histograms();
    map.set(key, value);
  }
  return value;
}

/** See `firstAudioByDay` of the store: the buckets summed per day by the database. */
async function firstAudioByDay(
  { db }: Database,
  options: { agentId?: string | undefined; from: string; to: string },
): Promise<Pick<LatencyAnalytics, 'overall' | 'daily'>> {
  const rows = await db
    .selectFrom('latency_histogram')
    .select((eb) => ['day', 'bucket', eb.fn.sum<number>('count').as('count')])
    .where('metric', '=', 'first_audio')
    .where('day', '>=', options.from)
    .where('day', '<=', options.to)
    .$if(options.agentId !== undefined, (query) =>
      query.where('agent_id', '=', options.agentId ?? ''),
    )
    .groupBy(['day', 'bucket'])
    .execute();
  const overall = new Histograms();
  const byDay = new Map<string, Histograms>();
  for (const row of rows) {
    overall.add('first_audio', Number(row.bucket), Number(row.count));
    group(byDay, row.day).add('first_audio', Number(row.bucket), Number(row.count));
  }
  return {
    overall: overall.figures(),
    daily: [...byDay.keys()].sort().map((day) => ({ day, ...byDay.get(day)!.figures() })),
  };
}

/** Data access for turns and their latency histograms. */
export function createTurnsStore(database: Database, now: () => Date) {
  const { db } = database;
  return {
    /** Stores a turn and counts it into its day's histograms (one transaction). */
    async record(conversationId: string, turn: TurnWrite): Promise<void> {
      const createdAt = now().toISOString();
      await db.transaction().execute(async (trx) => {
        const conversation = await trx
          .selectFrom('conversations')
          .select(['agent_id', 'agent_version'])
          .where('id', '=', conversationId)
          .executeTakeFirstOrThrow();
        await trx
          .insertInto('turns')
          .values({
            id: randomUUID(),
            conversation_id: conversationId,
            seq: turn.seq,
            first_audio_ms: turn.firstAudioMs,
            tool_ms: turn.toolMs,
            tool_calls: turn.toolCalls,
            responses: turn.responses,
            created_at: createdAt,
          })
          .execute();
        const counted: [LatencyMetric, number][] = [];
        if (turn.firstAudioMs !== null) counted.push(['first_audio', turn.firstAudioMs]);
        if (turn.toolCalls > 0) counted.push(['tools', turn.toolMs]);
        for (const [metric, ms] of counted) {
          await trx
            .insertInto('latency_histogram')
            .values({
              agent_id: conversation.agent_id,
              agent_version: conversation.agent_version ?? 0,
              day: createdAt.slice(0, 10),
              metric,
              bucket: latencyBucket(ms),
              count: 1,
            })
            .onConflict((conflict) =>
              conflict
                .columns(['day', 'agent_id', 'agent_version', 'metric', 'bucket'])
                .doUpdateSet((eb) => ({ count: eb('latency_histogram.count', '+', 1) })),
            )
            .execute();
        }
      });
    },

    /** A conversation's turns, in order. */
    async list(conversationId: string): Promise<StoredTurn[]> {
      const rows = await db
        .selectFrom('turns')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .orderBy('seq')
        .execute();
      return rows.map((row) => ({
        seq: row.seq,
        firstAudioMs: row.first_audio_ms,
        toolMs: row.tool_ms,
        toolCalls: row.tool_calls,
        responses: row.responses,
        createdAt: row.created_at,
      }));
    },

    /**
     * Overall and per-day time to first audio between `from` and `to` (inclusive UTC days), as
     * {@link latency} gives them: what the analytics summary shows.
     */
    firstAudioByDay: (options: { agentId?: string | undefined; from: string; to: string }) =>
      firstAudioByDay(database, options),

    /**
     * p50/p95 of time to first audio and time in tools between `from` and `to` (inclusive UTC
     * days): overall, per day, per agent version, and per agent version and day.
     */
    async latency(options: {
      agentId?: string | undefined;
      from?: string | undefined;
      to?: string | undefined;
    }): Promise<LatencyAnalytics> {
      const to = options.to ?? now().toISOString().slice(0, 10);
      const from = options.from ?? new Date(Date.parse(to) - 29 * dayMs).toISOString().slice(0, 10);
      const rows = await db
        .selectFrom('latency_histogram')
        .select(['agent_id', 'agent_version', 'day', 'metric', 'bucket', 'count'])
        .where('day', '>=', from)
        .where('day', '<=', to)
        .$if(options.agentId !== undefined, (query) =>
          query.where('agent_id', '=', options.agentId ?? ''),
        )
        .execute();
      return { from, to, ...latencyFigures(rows) };
    },
  };
}

/** See {@link createTurnsStore}. */
export type TurnsStore = ReturnType<typeof createTurnsStore>;

/** The percentiles of histogram rows: overall, per day, per agent version, per version and day. */
function latencyFigures(
  rows: readonly LatencyHistogramTable[],
): Omit<LatencyAnalytics, 'from' | 'to'> {
  const overall = new Histograms();
  const byDay = new Map<string, Histograms>();
  const byVersion = new Map<string, Histograms>();
  const byVersionDay = new Map<string, Histograms>();
  for (const row of rows) {
    const count = Number(row.count);
    const bucket = Number(row.bucket);
    const version = `${row.agent_id}\u0000${row.agent_version}`;
    overall.add(row.metric, bucket, count);
    group(byDay, row.day).add(row.metric, bucket, count);
    group(byVersion, version).add(row.metric, bucket, count);
    group(byVersionDay, `${version}\u0000${row.day}`).add(row.metric, bucket, count);
  }
  const split = (key: string) => {
    const [agentId = '', version = '0', day = ''] = key.split('\u0000');
    return { agentId, agentVersion: Number(version) === 0 ? null : Number(version), day };
  };
  const sortedKeys = <V>(map: Map<string, V>) => [...map.keys()].sort();
  return {
    overall: overall.figures(),
    daily: sortedKeys(byDay).map((day) => ({ day, ...byDay.get(day)!.figures() })),
    versions: sortedKeys(byVersion).map((key) => {
      const { agentId, agentVersion } = split(key);
      return { agentId, agentVersion, ...byVersion.get(key)!.figures() };
    }),
    versionDaily: sortedKeys(byVersionDay).map((key) => ({
      ...split(key),
      ...byVersionDay.get(key)!.figures(),
    })),
  };
}
