/**
 * Experiments: a running traffic split per agent, the version each granted conversation was
 * given, and the raw figures per version that the results are computed from.
 */
import { randomUUID } from 'node:crypto';
import type { Experiment, ExperimentArm, ExperimentCreate } from '../schemas.js';
import type { Database } from './database.js';
import { StoreError, isUniqueViolation } from './errors.js';
import type { ExperimentsTable } from './tables.js';
import { armAssigned, armFigures, armLatencies } from './experiment-figures.js';

export type { ArmFigures } from './experiment-figures.js';

function toExperiment(row: ExperimentsTable): Experiment {
  return {
    id: row.id,
    agentId: row.agent_id,
    name: row.name,
    status: row.status === 'running' ? 'running' : 'ended',
    arms: JSON.parse(row.arms) as ExperimentArm[],
    promotedVersion: row.promoted_version,
    startedAt: row.started_at,
    endedAt: row.ended_at,
  };
}

async function requireAgent({ db }: Database, idOrSlug: string) {
  const agent = await db
    .selectFrom('agents')
    .select(['id', 'published_version'])
    .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
    .executeTakeFirst();
  if (!agent) throw new StoreError('not_found', `agent ${idOrSlug} not found`);
  return agent;
}

/** Data access for experiments. */
export function createExperimentsStore(database: Database, now: () => Date) {
  const { db } = database;

  return {
    /** Starts an experiment on a published agent; 409 when one is already running. */
    async create(agentIdOrSlug: string, input: ExperimentCreate): Promise<Experiment> {
      const agent = await requireAgent(database, agentIdOrSlug);
      if (agent.published_version === null)
        throw new StoreError('invalid', 'publish the agent before starting an experiment');
      const versions = input.arms.map((arm) => arm.version);
      const found = await db
        .selectFrom('agent_versions')
        .select('version')
        .where('agent_id', '=', agent.id)
        .where('version', 'in', versions)
        .execute();
      const missing = versions.filter((v) => !found.some((row) => row.version === v));
      if (missing.length > 0)
        throw new StoreError('invalid', `no version ${missing.join(', ')} of this agent`);
      const row: ExperimentsTable = {
        id: randomUUID(),
        agent_id: agent.id,
        name: input.name,
        status: 'running',
        arms: JSON.stringify(input.arms.map(({ version, weight }) => ({ version, weight }))),
        promoted_version: null,
        started_at: now().toISOString(),
        ended_at: null,
      };
      try {
        await db.insertInto('experiments').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreError('conflict', 'this agent already runs an experiment; end it first');
        throw error;
      }
      return toExperiment(row);
    },

    /** Experiments, newest first (of one agent when given). */
    async list(agentId?: string): Promise<Experiment[]> {
      let query = db.selectFrom('experiments').selectAll();
      if (agentId !== undefined) query = query.where('agent_id', '=', agentId);
      const rows = await query.orderBy('started_at', 'desc').orderBy('id').execute();
      return rows.map(toExperiment);
    },

    async get(id: string): Promise<Experiment | undefined> {
      const row = await db
        .selectFrom('experiments')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toExperiment(row) : undefined;
    },

    /** The experiment an agent runs now (asked on every session grant: one indexed read). */
    async running(agentId: string): Promise<Experiment | undefined> {
      const row = await db
        .selectFrom('experiments')
        .selectAll()
        .where('agent_id', '=', agentId)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return row ? toExperiment(row) : undefined;
    },

    /** Ends a running experiment; false when it was not running (already ended, or unknown). */
    async end(id: string, promotedVersion: number | null): Promise<boolean> {
      const result = await db
        .updateTable('experiments')
        .set({ status: 'ended', ended_at: now().toISOString(), promoted_version: promotedVersion })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /** Records the version a granted conversation got (a resume keeps the first record). */
    async assign(conversationId: string, experimentId: string, version: number): Promise<void> {
      await db
        .insertInto('experiment_assignments')
        .values({
          conversation_id: conversationId,
          experiment_id: experimentId,
          version,
          created_at: now().toISOString(),
        })
        .onConflict((oc) => oc.column('conversation_id').doNothing())
        .execute();
    },

    /** The version an experiment gave a conversation, if any. */
    async assignment(conversationId: string) {
      return db
        .selectFrom('experiment_assignments')
        .select(['experiment_id as experimentId', 'version'])
        .where('conversation_id', '=', conversationId)
        .executeTakeFirst();
    },

    // The raw figures of results, per version (see experiment-figures.ts).
    armFigures: (experimentId: string) => armFigures(database, experimentId),
    armLatencies: (experimentId: string) => armLatencies(database, experimentId),
    armAssigned: (experimentId: string) => armAssigned(database, experimentId),
  };
}

/** See {@link createExperimentsStore}. */
export type ExperimentsStore = ReturnType<typeof createExperimentsStore>;
