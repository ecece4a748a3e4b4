/** Agents, their immutable versions and the publication history. */
import { randomUUID } from 'node:crypto';
import { agentConfigSchema } from '../schemas.js';
import type { Agent, AgentConfig, AgentDetail, AgentVersion, PublicAgent } from '../schemas.js';
import type { Database } from './database.js';
import { StoreError, isUniqueViolation } from './errors.js';
import type { AgentsTable } from './tables.js';

type Db = Database['db'];
import {
  findVersion,
  insertNextVersion,
  previousPublication,
  publishVersion,
  toVersion,
  versionHistory,
} from './agent-versions.js';

/** The config an agent serves right now. */
export interface PublishedAgent {
  agent: Agent;
  version: number;
  config: AgentConfig;
}

function toAgent(row: AgentsTable): Agent {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    publishedVersion: row.published_version,
    latestVersion: row.latest_version,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** An agent as the public listing shows it: the kind of turn detection, nothing else of its config. */
function toPublicAgent(row: {
  id: string;
  slug: string;
  name: string;
  description: string;
  config: string;
}): PublicAgent {
  const config = agentConfigSchema.parse(JSON.parse(row.config));
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    turnDetection: config.turnDetection?.type ?? 'manual',
    recordingNotice: config.recording.enabled ? config.recording.notice : null,
    api: config.api,
  };
}

function findAgent(db: Db, idOrSlug: string): Promise<AgentsTable | undefined> {
  return db
    .selectFrom('agents')
    .selectAll()
    .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
    .executeTakeFirst();
}

async function requireAgent(db: Db, idOrSlug: string): Promise<AgentsTable> {
  const row = await findAgent(db, idOrSlug);
  if (!row) throw new StoreError('not_found', `agent ${idOrSlug} not found`);
  return row;
}

/** Inserts an agent with its first version (`created`), unpublished; a taken slug is a conflict. */
async function insertAgent(
  db: Db,
  input: { slug: string; name: string; description: string; config: AgentConfig },
  createdBy: string | null,
  at: string,
): Promise<string> {
  const id = randomUUID();
  try {
    await db.transaction().execute(async (trx) => {
      await trx
        .insertInto('agents')
        .values({
          id,
          slug: input.slug,
          name: input.name,
          description: input.description,
          published_version: null,
          latest_version: 1,
          created_at: at,
          updated_at: at,
        })
        .execute();
      await trx
        .insertInto('agent_versions')
        .values({
          id: randomUUID(),
          agent_id: id,
          version: 1,
          config: JSON.stringify(input.config),
          note: 'created',
          created_by: createdBy,
          created_at: at,
        })
        .execute();
    });
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new StoreError('conflict', `an agent with slug "${input.slug}" exists`);
    }
    throw error;
  }
  return id;
}

/** The queries that read agents and their versions. */
function agentReads(db: Db) {
  return {
    async list(): Promise<Agent[]> {
      const rows = await db.selectFrom('agents').selectAll().orderBy('name').execute();
      return rows.map(toAgent);
    },

    /** Published agents only, for a visitor's picker. */
    async listPublic(): Promise<PublicAgent[]> {
      const rows = await db
        .selectFrom('agents')
        .innerJoin('agent_versions', (join) =>
          join
            .onRef('agent_versions.agent_id', '=', 'agents.id')
            .onRef('agent_versions.version', '=', 'agents.published_version'),
        )
        .select([
          'agents.id as id',
          'agents.slug as slug',
          'agents.name as name',
          'agents.description as description',
          'agent_versions.config as config',
        ])
        .orderBy('agents.name')
        .execute();
      return rows.map(toPublicAgent);
    },

    async get(idOrSlug: string): Promise<Agent | undefined> {
      const row = await findAgent(db, idOrSlug);
      return row ? toAgent(row) : undefined;
    },

    async detail(idOrSlug: string): Promise<AgentDetail> {
      const row = await requireAgent(db, idOrSlug);
      return { agent: toAgent(row), ...(await versionHistory(db, row.id)) };
    },

    /** The live config of an agent, or undefined when it does not exist or is unpublished. */
    async published(idOrSlug: string): Promise<PublishedAgent | undefined> {
      const row = await findAgent(db, idOrSlug);
      if (!row || row.published_version === null) return undefined;
      const version = await findVersion(db, row.id, row.published_version);
      if (!version) throw new Error(`agent ${row.id} has no version ${row.published_version}`);
      return { agent: toAgent(row), version: version.version, config: toVersion(version).config };
    },

    /** One version of an agent, published or not (the admin playground tries drafts). */
    async atVersion(idOrSlug: string, versionNumber: number): Promise<PublishedAgent | undefined> {
      const row = await findAgent(db, idOrSlug);
      if (!row) return undefined;
      const version = await findVersion(db, row.id, versionNumber);
      return version
        ? { agent: toAgent(row), version: version.version, config: toVersion(version).config }
        : undefined;
    },

    async count(): Promise<number> {
      const row = await db
        .selectFrom('agents')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
  };
}

/** The writes: agents, their versions and publications. */
function agentWrites(db: Db, iso: () => string) {
  async function publish(agentId: string, version: number): Promise<Agent> {
    await publishVersion(db, agentId, version, iso());
    return toAgent(await requireAgent(db, agentId));
  }

  return {
    async create(
      input: {
        slug: string;
        name: string;
        description: string;
        config: AgentConfig;
        publish: boolean;
      },
      createdBy: string | null,
    ): Promise<Agent> {
      const id = await insertAgent(db, input, createdBy, iso());
      return input.publish ? publish(id, 1) : toAgent(await requireAgent(db, id));
    },

    async update(
      idOrSlug: string,
      patch: {
        slug?: string | undefined;
        name?: string | undefined;
        description?: string | undefined;
      },
    ): Promise<Agent> {
      const row = await requireAgent(db, idOrSlug);
      try {
        await db
          .updateTable('agents')
          .set({
            ...(patch.slug === undefined ? {} : { slug: patch.slug }),
            ...(patch.name === undefined ? {} : { name: patch.name }),
            ...(patch.description === undefined ? {} : { description: patch.description }),
            updated_at: iso(),
          })
          .where('id', '=', row.id)
          .execute();
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreError('conflict', 'that slug is taken');
        throw error;
      }
      return toAgent(await requireAgent(db, row.id));
    },

    async remove(idOrSlug: string): Promise<void> {
      const row = await requireAgent(db, idOrSlug);
      await db.deleteFrom('agents').where('id', '=', row.id).execute();
    },

    async createVersion(
      idOrSlug: string,
      input: { config: AgentConfig; note: string; publish: boolean },
      createdBy: string | null,
    ): Promise<AgentVersion> {
      const row = await requireAgent(db, idOrSlug);
      const version = await insertNextVersion(db, row.id, input, createdBy, iso());
      if (input.publish) await publish(row.id, version.version);
      return toVersion(version);
    },

    async publish(idOrSlug: string, version: number): Promise<Agent> {
      const row = await requireAgent(db, idOrSlug);
      return publish(row.id, version);
    },

    /** Publishes `version`, or the version that was live before the current one. */
    async rollback(idOrSlug: string, version?: number): Promise<Agent> {
      const row = await requireAgent(db, idOrSlug);
      if (version !== undefined) return publish(row.id, version);
      return publish(row.id, await previousPublication(db, row.id, row.published_version));
    },
  };
}

/** Data access for agents. */
export function createAgentsStore(database: Database, now: () => Date) {
  const { db } = database;
  return { ...agentReads(db), ...agentWrites(db, () => now().toISOString()) };
}

/** See {@link createAgentsStore}. */
export type AgentsStore = ReturnType<typeof createAgentsStore>;
