/** Knowledge documents with full-text search (webhook tools are in `tools-store.ts`). */
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { KnowledgeDocument, SearchHit } from '../schemas.js';
import type { Database } from './database.js';
import { StoreError } from './errors.js';
import type { DocumentsTable } from './tables.js';

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

/** See `search` of {@link createKnowledgeStore}: FTS5 with bm25 on SQLite, `ts_rank` on PostgreSQL. */
async function searchDocuments(
  { db, dialect }: Database,
  query: string,
  options: { agentId?: string | undefined; limit?: number },
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
    const result = await sql<SearchHit>`
      SELECT d.id AS "documentId", d.title AS title,
             snippet(documents_fts, 2, '', '', '…', 24) AS snippet,
             -bm25(documents_fts, 0.0, 4.0, 1.0) AS rank
      FROM documents_fts JOIN documents d ON d.id = documents_fts.document_id
      WHERE documents_fts MATCH ${match} AND ${agentFilter}
      ORDER BY rank DESC LIMIT ${limit}`.execute(db);
    return result.rows;
  }
  const tsquery = terms.map((term) => `'${term}'`).join(' | ');
  const result = await sql<SearchHit>`
    SELECT d.id AS "documentId", d.title AS title,
           ts_headline('english', d.content, q.query, 'StartSel="", StopSel="", MaxWords=40, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "') AS snippet,
           ts_rank(d.search, q.query)::float8 AS rank
    FROM documents d, to_tsquery('english', ${tsquery}) AS q(query)
    WHERE d.search @@ q.query AND ${agentFilter}
    ORDER BY rank DESC LIMIT ${limit}`.execute(db);
  return result.rows;
}

/** Data access for knowledge documents. */
export function createKnowledgeStore(database: Database, now: () => Date) {
  const { db, dialect } = database;
  const iso = () => now().toISOString();

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
    search(
      query: string,
      options: { agentId?: string | undefined; limit?: number } = {},
    ): Promise<SearchHit[]> {
      return searchDocuments(database, query, options);
    },
  };
}

/** See {@link createKnowledgeStore}. */
export type KnowledgeStore = ReturnType<typeof createKnowledgeStore>;
