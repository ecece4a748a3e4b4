/** Webhook tool definitions and knowledge documents with full-text search. */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { KnowledgeDocument, SearchHit, ToolDefinition } from '../schemas.js';
import type { Database } from './database.js';
import { StoreError, isUniqueViolation } from './errors.js';
import type { DocumentsTable, ToolsTable } from './tables.js';

/** A webhook tool as the tool runner needs it (with its secret). */
export interface WebhookToolRecord extends ToolDefinition {
  secret: string | null;
}

/** Fields written when a tool is created or replaced. */
export interface ToolWrite {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  kind: 'webhook';
  url: string;
  secret?: string | undefined;
  timeoutMs: number;
  maxResponseBytes: number;
}

function toTool(row: ToolsTable): WebhookToolRecord {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    parameters: JSON.parse(row.parameters) as Record<string, unknown>,
    kind: 'webhook',
    url: row.url,
    hasSecret: row.secret !== null,
    secret: row.secret,
    timeoutMs: row.timeout_ms,
    maxResponseBytes: row.max_response_bytes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Drops the secret for API answers. */
export function publicTool(tool: WebhookToolRecord): ToolDefinition {
  const { secret: _secret, ...rest } = tool;
  return rest;
}

function toDocument(row: DocumentsTable): KnowledgeDocument {
  return {
    id: row.id,
    agentId: row.agent_id,
    title: row.title,
    content: row.content,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * The words of a free-form query, safe to hand to FTS5 or `to_tsquery` (each becomes a quoted
 * term or a plain lexeme; operators and punctuation a visitor happens to say are dropped).
 */
export function searchTerms(query: string): string[] {
  const words = query.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
  return [...new Set(words)].slice(0, 32);
}

/** Data access for tools and documents. */
export function createKnowledgeStore(database: Database, now: () => Date) {
  const { db, dialect } = database;
  const iso = () => now().toISOString();

  async function requireTool(id: string): Promise<ToolsTable> {
    const row = await db.selectFrom('tools').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new StoreError('not_found', `tool ${id} not found`);
    return row;
  }

  async function requireDocument(id: string): Promise<DocumentsTable> {
    const row = await db
      .selectFrom('documents')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) throw new StoreError('not_found', `document ${id} not found`);
    return row;
  }

  return {
    async listTools(): Promise<WebhookToolRecord[]> {
      const rows = await db.selectFrom('tools').selectAll().orderBy('name').execute();
      return rows.map(toTool);
    },

    async getTool(id: string): Promise<WebhookToolRecord> {
      return toTool(await requireTool(id));
    },

    async toolsByName(names: readonly string[]): Promise<WebhookToolRecord[]> {
      if (names.length === 0) return [];
      const rows = await db.selectFrom('tools').selectAll().where('name', 'in', names).execute();
      return rows.map(toTool);
    },

    async createTool(input: ToolWrite): Promise<WebhookToolRecord> {
      const at = iso();
      const row: ToolsTable = {
        id: randomUUID(),
        name: input.name,
        description: input.description,
        parameters: JSON.stringify(input.parameters),
        kind: input.kind,
        url: input.url,
        secret: input.secret ?? null,
        timeout_ms: input.timeoutMs,
        max_response_bytes: input.maxResponseBytes,
        created_at: at,
        updated_at: at,
      };
      try {
        await db.insertInto('tools').values(row).execute();
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreError('conflict', `a tool named "${input.name}" exists`);
        throw error;
      }
      return toTool(row);
    },

    async updateTool(id: string, input: ToolWrite): Promise<WebhookToolRecord> {
      await requireTool(id);
      try {
        await db
          .updateTable('tools')
          .set({
            name: input.name,
            description: input.description,
            parameters: JSON.stringify(input.parameters),
            kind: input.kind,
            url: input.url,
            ...(input.secret === undefined ? {} : { secret: input.secret }),
            timeout_ms: input.timeoutMs,
            max_response_bytes: input.maxResponseBytes,
            updated_at: iso(),
          })
          .where('id', '=', id)
          .execute();
      } catch (error) {
        if (isUniqueViolation(error))
          throw new StoreError('conflict', `a tool named "${input.name}" exists`);
        throw error;
      }
      return toTool(await requireTool(id));
    },

    async removeTool(id: string): Promise<void> {
      await requireTool(id);
      await db.deleteFrom('tools').where('id', '=', id).execute();
    },

    async listDocuments(agentId?: string): Promise<KnowledgeDocument[]> {
      let query = db.selectFrom('documents').selectAll().orderBy('title');
      if (agentId !== undefined) {
        query = query.where((eb) =>
          eb.or([eb('agent_id', '=', agentId), eb('agent_id', 'is', null)]),
        );
      }
      return (await query.execute()).map(toDocument);
    },

    async getDocument(id: string): Promise<KnowledgeDocument> {
      return toDocument(await requireDocument(id));
    },

    async createDocument(input: {
      agentId: string | null;
      title: string;
      content: string;
    }): Promise<KnowledgeDocument> {
      const at = iso();
      const row: DocumentsTable = {
        id: randomUUID(),
        agent_id: input.agentId,
        title: input.title,
        content: input.content,
        created_at: at,
        updated_at: at,
      };
      await db.transaction().execute(async (trx) => {
        await trx.insertInto('documents').values(row).execute();
        if (dialect === 'sqlite') {
          await trx
            .insertInto('documents_fts')
            .values({ document_id: row.id, title: row.title, content: row.content })
            .execute();
        }
      });
      return toDocument(row);
    },

    async updateDocument(
      id: string,
      input: { agentId: string | null; title: string; content: string },
    ): Promise<KnowledgeDocument> {
      await requireDocument(id);
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('documents')
          .set({
            agent_id: input.agentId,
            title: input.title,
            content: input.content,
            updated_at: iso(),
          })
          .where('id', '=', id)
          .execute();
        if (dialect === 'sqlite') {
          await trx
            .updateTable('documents_fts')
            .set({ title: input.title, content: input.content })
            .where('document_id', '=', id)
            .execute();
        }
      });
      return toDocument(await requireDocument(id));
    },

    async removeDocument(id: string): Promise<void> {
      await requireDocument(id);
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('documents').where('id', '=', id).execute();
        if (dialect === 'sqlite') {
          await trx.deleteFrom('documents_fts').where('document_id', '=', id).execute();
        }
      });
    },

    /**
     * Full-text search over the documents an agent can read (its own and the shared ones), best
     * match first. Any word of the query may match; documents matching more words rank higher.
     */
    async search(
      query: string,
      options: { agentId?: string | undefined; limit?: number } = {},
    ): Promise<SearchHit[]> {
      const terms = searchTerms(query);
      if (terms.length === 0) return [];
      const limit = Math.min(Math.max(options.limit ?? 5, 1), 20);
      const agentFilter =
        options.agentId === undefined
          ? sql`1 = 1`
          : sql`(d.agent_id = ${options.agentId} OR d.agent_id IS NULL)`;
      if (dialect === 'sqlite') {
        const match = terms.map((term) => `"${term}"`).join(' OR ');
        const result = await sql<{
          documentId: string;
          title: string;
          snippet: string;
          rank: number;
        }>`
          SELECT d.id AS "documentId", d.title AS title,
                 snippet(documents_fts, 2, '', '', '…', 24) AS snippet,
                 -bm25(documents_fts, 0.0, 4.0, 1.0) AS rank
          FROM documents_fts JOIN documents d ON d.id = documents_fts.document_id
          WHERE documents_fts MATCH ${match} AND ${agentFilter}
          ORDER BY rank DESC LIMIT ${limit}`.execute(db);
        return result.rows;
      }
      const tsquery = terms.map((term) => `'${term}'`).join(' | ');
      const result = await sql<{
        documentId: string;
        title: string;
        snippet: string;
        rank: number;
      }>`
        SELECT d.id AS "documentId", d.title AS title,
               ts_headline('english', d.content, q.query, 'StartSel="", StopSel="", MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "') AS snippet,
               ts_rank(d.search, q.query)::float8 AS rank
        FROM documents d, to_tsquery('english', ${tsquery}) AS q(query)
        WHERE d.search @@ q.query AND ${agentFilter}
        ORDER BY rank DESC LIMIT ${limit}`.execute(db);
      return result.rows;
    },
  };
}

/** See {@link createKnowledgeStore}. */
export type KnowledgeStore = ReturnType<typeof createKnowledgeStore>;
