/** The raw figures of an experiment's versions, from which results and intervals are computed. */
import type { Database } from './database.js';

/** Counts and sums of one version's assigned conversations. */
export interface ArmFigures {
  version: number;
  conversations: number;
  finished: number;
  completed: number;
  withLeads: number;
  judged: number;
  successes: number;
  costSum: number;
  costSumOfSquares: number;
}

/** Counts and sums per version over the experiment's conversations that started. */
export async function armFigures({ db }: Database, experimentId: string): Promise<ArmFigures[]> {
  const rows = await db
    .selectFrom('experiment_assignments as a')
    .innerJoin('conversations as c', 'c.id', 'a.conversation_id')
    .leftJoin('conversation_analyses as x', 'x.conversation_id', 'c.id')
    .where('a.experiment_id', '=', experimentId)
    .groupBy('a.version')
    .select((eb) => [
      'a.version as version',
      eb.fn.countAll<number>().as('conversations'),
      eb.fn
        .sum<number>(eb.case().when('c.status', '!=', 'active').then(1).else(0).end())
        .as('finished'),
      eb.fn
        .sum<number>(eb.case().when('c.status', '=', 'completed').then(1).else(0).end())
        .as('completed'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(
              eb.exists(
                eb
                  .selectFrom('leads')
                  .select('leads.id')
                  .whereRef('leads.conversation_id', '=', 'c.id'),
              ),
            )
            .then(1)
            .else(0)
            .end(),
        )
        .as('withLeads'),
      eb.fn.count<number>('x.success').as('judged'),
      eb.fn.sum<number>('x.success').as('successes'),
      eb.fn.sum<number>('c.cost_usd').as('costSum'),
      eb.fn.sum<number>(eb('c.cost_usd', '*', eb.ref('c.cost_usd'))).as('costSumOfSquares'),
    ])
    .execute();
  return rows.map((row) => ({
    version: Number(row.version),
    conversations: Number(row.conversations),
    finished: Number(row.finished ?? 0),
    completed: Number(row.completed ?? 0),
    withLeads: Number(row.withLeads ?? 0),
    judged: Number(row.judged),
    successes: Number(row.successes ?? 0),
    costSum: Number(row.costSum ?? 0),
    costSumOfSquares: Number(row.costSumOfSquares ?? 0),
  }));
}

/** Time to first audio of every turn of the experiment's conversations, per version. */
export async function armLatencies(
  { db }: Database,
  experimentId: string,
): Promise<Map<number, number[]>> {
  const rows = await db
    .selectFrom('experiment_assignments as a')
    .innerJoin('turns as t', 't.conversation_id', 'a.conversation_id')
    .where('a.experiment_id', '=', experimentId)
    .where('t.first_audio_ms', 'is not', null)
    .select(['a.version as version', 't.first_audio_ms as ms'])
    .execute();
  const byVersion = new Map<number, number[]>();
  for (const row of rows) {
    const version = Number(row.version);
    const list = byVersion.get(version) ?? [];
    list.push(Number(row.ms));
    byVersion.set(version, list);
  }
  return byVersion;
}

/** Grants per version, whether or not a conversation followed (the split as it was drawn). */
export async function armAssigned(
  { db }: Database,
  experimentId: string,
): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('experiment_assignments')
    .where('experiment_id', '=', experimentId)
    .groupBy('version')
    .select((eb) => ['version', eb.fn.countAll<number>().as('count')])
    .execute();
  return new Map(rows.map((row) => [Number(row.version), Number(row.count)]));
}
