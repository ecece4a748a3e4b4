/** Webhook tool definitions (name, schema, URL, secret, limits). */
import { randomUUID } from 'node:crypto';
import type { ToolDefinition } from '../schemas.js';
import type { Database } from './database.js';
import { StoreError, isUniqueViolation } from './errors.js';
import type { ToolsTable } from './tables.js';

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

/** Data access for webhook tools. */
export function createToolsStore(database: Database, now: () => Date) {
  const { db } = database;
  const iso = () => now().toISOString();

  async function requireTool(id: string): Promise<ToolsTable> {
    const row = await db.selectFrom('tools').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new StoreError('not_found', `tool ${id} not found`);
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
  };
}

/** See {@link createToolsStore}. */
export type ToolsStore = ReturnType<typeof createToolsStore>;
