/** Agents, their immutable versions and the publication history. */
import { randomUUID } from 'node:crypto';
import { agentConfigSchema } from '../schemas.js';
import type { Agent, AgentConfig, AgentDetail, AgentVersion, PublicAgent } from '../schemas.js';
import type { Database } from './database.js';
import { StoreError, isUniqueViolation } from './errors.js';
import type { AgentVersionsTable, AgentsTable } from './tables.js';

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

function toVersion(row: AgentVersionsTable): AgentVersion {
  return {
    id: row.id,
    agentId: row.agent_id,
    version: row.version,
    // Stored configs were validated on the way in; parse again so defaults added later apply.
    config: agentConfigSchema.parse(JSON.parse(row.config)),
    note: row.note,
    createdAt: row.created_at,
    createdBy: row.created_by,
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

/** Data access for agents. */
export function createAgentsStore(database: Database, now: () => Date) {
  const { db } = database;
  const iso = () => now().toISOString();

  async function find(idOrSlug: string): Promise<AgentsTable | undefined> {
    return db
      .selectFrom('agents')
      .selectAll()
      .where((eb) => eb.or([eb('id', '=', idOrSlug), eb('slug', '=', idOrSlug)]))
      .executeTakeFirst();
  }

  async function require(idOrSlug: string): Promise<AgentsTable> {
    const row = await find(idOrSlug);
    if (!row) throw new StoreError('not_found', `agent ${idOrSlug} not found`);
    return row;
  }

  async function publishVersion(agentId: string, version: number): Promise<Agent> {
    const exists = await db
      .selectFrom('agent_versions')
      .select('id')
      .where('agent_id', '=', agentId)
      .where('version', '=', version)
      .executeTakeFirst();
    if (!exists) throw new StoreError('not_found', `agent version ${version} not found`);
    const at = iso();
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('agents')
        .set({ published_version: version, updated_at: at })
        .where('id', '=', agentId)
        .execute();
      const last = await trx
        .selectFrom('agent_publications')
        .select((eb) => eb.fn.max<number | null>('seq').as('seq'))
        .where('agent_id', '=', agentId)
        .executeTakeFirst();
      await trx
        .insertInto('agent_publications')
        .values({
          id: randomUUID(),
          agent_id: agentId,
          version,
          seq: Number(last?.seq ?? 0) + 1,
          published_at: at,
        })
        .execute();
    });
    return toAgent(await require(agentId));
  }

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
      const row = await find(idOrSlug);
      return row ? toAgent(row) : undefined;
    },

    async detail(idOrSlug: string): Promise<AgentDetail> {
      const row = await require(idOrSlug);
      const versions = await db
        .selectFrom('agent_versions')
        .selectAll()
        .where('agent_id', '=', row.id)
        .orderBy('version', 'desc')
        .execute();
      const publications = await db
        .selectFrom('agent_publications')
        .select(['version', 'published_at'])
        .where('agent_id', '=', row.id)
        .orderBy('seq', 'desc')
        .execute();
      return {
        agent: toAgent(row),
        versions: versions.map(toVersion),
        publications: publications.map((p) => ({
          version: p.version,
          publishedAt: p.published_at,
        })),
      };
    },

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
      const id = randomUUID();
      const at = iso();
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
      return input.publish ? publishVersion(id, 1) : toAgent(await require(id));
    },

    async update(
      idOrSlug: string,
      patch: {
        slug?: string | undefined;
        name?: string | undefined;
        description?: string | undefined;
      },
    ): Promise<Agent> {
      const row = await require(idOrSlug);
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
      return toAgent(await require(row.id));
    },

    async remove(idOrSlug: string): Promise<void> {
      const row = await require(idOrSlug);
      await db.deleteFrom('agents').where('id', '=', row.id).execute();
    },

    async createVersion(
      idOrSlug: string,
      input: { config: AgentConfig; note: string; publish: boolean },
      createdBy: string | null,
    ): Promise<AgentVersion> {
      const row = await require(idOrSlug);
      const at = iso();
      const version = await db.transaction().execute(async (trx) => {
        const current = await trx
          .selectFrom('agents')
          .select('latest_version')
          .where('id', '=', row.id)
          .executeTakeFirstOrThrow();
        const next = current.latest_version + 1;
        const versionRow: AgentVersionsTable = {
          id: randomUUID(),
          agent_id: row.id,
          version: next,
          config: JSON.stringify(input.config),
          note: input.note,
          created_by: createdBy,
          created_at: at,
        };
        await trx.insertInto('agent_versions').values(versionRow).execute();
        await trx
          .updateTable('agents')
          .set({ latest_version: next, updated_at: at })
          .where('id', '=', row.id)
          .execute();
        return versionRow;
      });
      if (input.publish) await publishVersion(row.id, version.version);
      return toVersion(version);
    },

    async publish(idOrSlug: string, version: number): Promise<Agent> {
      const row = await require(idOrSlug);
      return publishVersion(row.id, version);
    },

    /** Publishes `version`, or the version that was live before the current one. */
    async rollback(idOrSlug: string, version?: number): Promise<Agent> {
      const row = await require(idOrSlug);
      if (version !== undefined) return publishVersion(row.id, version);
      const history = await db
        .selectFrom('agent_publications')
        .select('version')
        .where('agent_id', '=', row.id)
        .orderBy('seq', 'desc')
        .execute();
      const previous = history.find((entry) => entry.version !== row.published_version);
      if (!previous)
        throw new StoreError('invalid', 'no earlier published version to roll back to');
      return publishVersion(row.id, previous.version);
    },

    /** The live config of an agent, or undefined when it does not exist or is unpublished. */
    async published(idOrSlug: string): Promise<PublishedAgent | undefined> {
      const row = await find(idOrSlug);
      if (!row || row.published_version === null) return undefined;
      const version = await db
        .selectFrom('agent_versions')
        .selectAll()
        .where('agent_id', '=', row.id)
        .where('version', '=', row.published_version)
        .executeTakeFirstOrThrow();
      return { agent: toAgent(row), version: version.version, config: toVersion(version).config };
    },

    /** One version of an agent, published or not (the admin playground tries drafts). */
    async atVersion(idOrSlug: string, versionNumber: number): Promise<PublishedAgent | undefined> {
      const row = await find(idOrSlug);
      if (!row) return undefined;
      const version = await db
        .selectFrom('agent_versions')
        .selectAll()
        .where('agent_id', '=', row.id)
        .where('version', '=', versionNumber)
        .executeTakeFirst();
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

/** See {@link createAgentsStore}. */
export type AgentsStore = ReturnType<typeof createAgentsStore>;
