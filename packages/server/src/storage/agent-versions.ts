/**
 * An agent's immutable versions and its publication log: the queries `agents-store.ts` composes
 * (each takes the database handle, so a caller inside a transaction could pass its own).
 */
import { randomUUID } from 'node:crypto';
import { agentConfigSchema } from '../schemas.js';
import type { AgentConfig, AgentDetail, AgentVersion } from '../schemas.js';
import type { Database } from './database.js';
import { StoreError } from './errors.js';
import type { AgentVersionsTable } from './tables.js';

type Db = Database['db'];

export function toVersion(row: AgentVersionsTable): AgentVersion {
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

/** One stored version of an agent. */
export function findVersion(
  db: Db,
  agentId: string,
  version: number,
): Promise<AgentVersionsTable | undefined> {
  return db
    .selectFrom('agent_versions')
    .selectAll()
    .where('agent_id', '=', agentId)
    .where('version', '=', version)
    .executeTakeFirst();
}

/** Every version (newest first) and every publication (latest first) of an agent. */
export async function versionHistory(
  db: Db,
  agentId: string,
): Promise<Pick<AgentDetail, 'versions' | 'publications'>> {
  const versions = await db
    .selectFrom('agent_versions')
    .selectAll()
    .where('agent_id', '=', agentId)
    .orderBy('version', 'desc')
    .execute();
  const publications = await db
    .selectFrom('agent_publications')
    .select(['version', 'published_at'])
    .where('agent_id', '=', agentId)
    .orderBy('seq', 'desc')
    .execute();
  return {
    versions: versions.map(toVersion),
    publications: publications.map((p) => ({
      version: p.version,
      publishedAt: p.published_at,
    })),
  };
}

/** Adds the agent's next version (its `latest_version` moves with it, in one transaction). */
export function insertNextVersion(
  db: Db,
  agentId: string,
  input: { config: AgentConfig; note: string },
  createdBy: string | null,
  at: string,
): Promise<AgentVersionsTable> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('agents')
      .select('latest_version')
      .where('id', '=', agentId)
      .executeTakeFirstOrThrow();
    const next = current.latest_version + 1;
    const versionRow: AgentVersionsTable = {
      id: randomUUID(),
      agent_id: agentId,
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
      .where('id', '=', agentId)
      .execute();
    return versionRow;
  });
}

/** Makes `version` the agent's live one and appends it to the publication log. */
export async function publishVersion(
  db: Db,
  agentId: string,
  version: number,
  at: string,
): Promise<void> {
  const exists = await db
    .selectFrom('agent_versions')
    .select('id')
    .where('agent_id', '=', agentId)
    .where('version', '=', version)
    .executeTakeFirst();
  if (!exists) throw new StoreError('not_found', `agent version ${version} not found`);
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
}

/** The version that was live before `current`, latest first in the log; throws when none. */
export async function previousPublication(
  db: Db,
  agentId: string,
  current: number | null,
): Promise<number> {
  const history = await db
    .selectFrom('agent_publications')
    .select('version')
    .where('agent_id', '=', agentId)
    .orderBy('seq', 'desc')
    .execute();
  const previous = history.find((entry) => entry.version !== current);
  if (!previous) throw new StoreError('invalid', 'no earlier published version to roll back to');
  return previous.version;
}
