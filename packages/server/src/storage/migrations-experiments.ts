/** Migration of experiments (issue 19 §4): traffic splits between agent versions. */
import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/** `0010_experiments`: experiments and the version each granted conversation was given. */
export async function createExperimentTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('experiments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('arms', 'text', (c) => c.notNull())
    .addColumn('promoted_version', 'integer')
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('ended_at', 'text')
    .execute();
  // One running experiment per agent, held by the database even when two admins race.
  await db.schema
    .createIndex('experiments_one_running')
    .on('experiments')
    .column('agent_id')
    .unique()
    .where(sql.ref('status'), '=', 'running')
    .execute();
  await db.schema
    .createIndex('experiments_agent')
    .on('experiments')
    .columns(['agent_id', 'started_at'])
    .execute();
  // Written at grant time, before the relay creates the conversation: no foreign key to it (a
  // ticket never used leaves a row that joins nothing), as conversation_customers.
  await db.schema
    .createTable('experiment_assignments')
    .addColumn('conversation_id', 'text', (c) => c.primaryKey())
    .addColumn('experiment_id', 'text', (c) =>
      c.notNull().references('experiments.id').onDelete('cascade'),
    )
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('experiment_assignments_experiment')
    .on('experiment_assignments')
    .columns(['experiment_id', 'version'])
    .execute();
}

/**
 * `0012_query_indexes`: analytics, the ledger and experiment results ask, per conversation,
 * whether it has a lead; without this index each asks by scanning every lead (the 100,000
 * conversation benchmark in the README measured seconds).
 */
export async function createQueryIndexes(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('leads_conversation').on('leads').column('conversation_id').execute();
}
