/**
 * Migration `0013_rollups` (issue 19, query benchmark): daily rollups of finished conversations,
 * so analytics and the ledger read a few rows per day instead of every conversation. Frozen like
 * every migration: the backfill is written out here, not shared with the runtime code that keeps
 * the rollups in step (`rollups.ts`), so a later change there cannot change what this one did.
 */
import { sql } from 'kysely';
import type { CreateTableBuilder, Kysely } from 'kysely';
import type { DialectName } from './dialect.js';

const dayKey = ['day', 'agent_id', 'agent_version', 'model'] as const;

type ColumnType = 'text' | 'integer' | 'bigint' | 'double precision';

const ledgerFigures: [string, ColumnType][] = [
  ['conversations', 'integer'],
  ['input_tokens', 'bigint'],
  ['output_tokens', 'bigint'],
  ['usage_seconds', 'double precision'],
  ['cost_usd', 'double precision'],
];

/** A rollup table: its key columns (text but `agent_version`), then its figures, all not null. */
async function createRollupTable(
  db: Kysely<unknown>,
  dialect: DialectName,
  table: string,
  key: readonly string[],
  figures: readonly [string, ColumnType][],
): Promise<void> {
  let builder: CreateTableBuilder<string, string> = db.schema.createTable(table);
  for (const column of key)
    builder = builder.addColumn(column, column === 'agent_version' ? 'integer' : 'text', (c) =>
      column === 'agent_id' ? c.notNull().references('agents.id').onDelete('cascade') : c.notNull(),
    );
  for (const [column, type] of figures)
    builder = builder.addColumn(column, type, (c) => c.notNull());
  builder = builder.addPrimaryKeyConstraint(`${table}_key`, [...key]);
  // SQLite stores the rows in key order then: a range of days is read in one sweep, not one
  // lookup per row through a separate key index.
  if (dialect === 'sqlite') builder = builder.modifyEnd(sql`without rowid`);
  await builder.execute();
}

/**
 * Creates the rollup tables, the index of live conversations and a covering index of the latency
 * histograms, then fills the rollups.
 */
export async function createRollupTables(db: Kysely<unknown>, dialect: DialectName): Promise<void> {
  await createRollupTable(db, dialect, 'conversation_rollups', dayKey, [
    ...ledgerFigures,
    ['completed', 'integer'],
    ['with_lead', 'integer'],
    ['judged', 'integer'],
    ['successes', 'integer'],
    ['duration_count', 'integer'],
    ['duration_ms_sum', 'bigint'],
  ]);
  await db.schema
    .createIndex('conversation_rollups_agent')
    .on('conversation_rollups')
    .columns(['agent_id', 'day'])
    .execute();
  await createRollupTable(
    db,
    dialect,
    'customer_rollups',
    [...dayKey, 'customer_id', 'tags'],
    ledgerFigures,
  );
  await db.schema
    .createIndex('customer_rollups_customer')
    .on('customer_rollups')
    .columns(['customer_id', 'day'])
    .execute();
  // Live conversations are read from the conversations table (they are not rolled up until they
  // end): a partial index keeps that read to the few that are live, whatever the range.
  await db.schema
    .createIndex('conversations_live')
    .on('conversations')
    .column('started_at')
    .where(sql.ref('status'), '=', 'active')
    .execute();
  // Analytics sums a range of days of first-audio buckets: read from the index alone.
  await db.schema
    .createIndex('latency_histogram_metric_day')
    .on('latency_histogram')
    .columns(['metric', 'day', 'agent_id', 'bucket', 'count'])
    .execute();
  await backfill(db);
}

/** Rolls up every conversation that had ended when the migration ran. */
async function backfill(db: Kysely<unknown>): Promise<void> {
  const ledgerSums = sql`sum(c.input_tokens), sum(c.output_tokens),
    sum(cast(c.usage_seconds as double precision)), sum(c.cost_usd)`;
  await sql`
    insert into conversation_rollups (day, agent_id, agent_version, model, conversations,
      completed, with_lead, judged, successes, duration_count, duration_ms_sum, input_tokens,
      output_tokens, usage_seconds, cost_usd)
    select substr(c.started_at, 1, 10), c.agent_id, coalesce(c.agent_version, 0), c.model,
      count(*), sum(case when c.status = 'completed' then 1 else 0 end),
      sum(case when exists (select 1 from leads l where l.conversation_id = c.id) then 1 else 0 end),
      count(a.success), coalesce(sum(a.success), 0), count(c.duration_ms),
      coalesce(sum(c.duration_ms), 0), ${ledgerSums}
    from conversations c
    left join conversation_analyses a on a.conversation_id = c.id
    where c.status <> 'active'
    group by substr(c.started_at, 1, 10), c.agent_id, coalesce(c.agent_version, 0), c.model
  `.execute(db);
  await sql`
    insert into customer_rollups (day, agent_id, agent_version, model, customer_id, tags,
      conversations, input_tokens, output_tokens, usage_seconds, cost_usd)
    select substr(c.started_at, 1, 10), c.agent_id, coalesce(c.agent_version, 0), c.model,
      coalesce(cc.customer_id, ''), coalesce(cc.tags, ''), count(*), ${ledgerSums}
    from conversations c
    left join conversation_customers cc on cc.conversation_id = c.id
    where c.status <> 'active'
    group by substr(c.started_at, 1, 10), c.agent_id, coalesce(c.agent_version, 0), c.model,
      coalesce(cc.customer_id, ''), coalesce(cc.tags, '')
  `.execute(db);
}

/** Undoes `0013_rollups` (the rollups are derived data: nothing is lost). */
export async function dropRollupTables(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('latency_histogram_metric_day').execute();
  await db.schema.dropIndex('conversations_live').execute();
  await db.schema.dropTable('customer_rollups').execute();
  await db.schema.dropTable('conversation_rollups').execute();
}
