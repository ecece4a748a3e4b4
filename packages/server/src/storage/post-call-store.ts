/** Post-call analyses of conversations and the log of post-call webhook deliveries. */
import { randomUUID } from 'node:crypto';
import type { ConversationAnalysis, WebhookDelivery } from '../schemas.js';
import type { Database } from './database.js';
import { changeConversation } from './rollups.js';
import type { ConversationAnalysesTable, WebhookDeliveriesTable } from './tables.js';

/** An analysis to store (replaces an earlier one of the same conversation). */
export type AnalysisWrite = Omit<ConversationAnalysis, 'createdAt'> & { agentId: string };

/** One delivery attempt to log. */
export type DeliveryWrite = Omit<WebhookDelivery, 'id' | 'createdAt'>;

function toAnalysis(row: ConversationAnalysesTable): ConversationAnalysis {
  return {
    conversationId: row.conversation_id,
    status: row.status === 'failed' ? 'failed' : 'done',
    summary: row.summary,
    extracted:
      row.extracted === null ? null : (JSON.parse(row.extracted) as Record<string, unknown>),
    success: row.success === null ? null : row.success === 1,
    rationale: row.rationale,
    model: row.model,
    error: row.error,
    createdAt: row.created_at,
  };
}

function toDelivery(row: WebhookDeliveriesTable): WebhookDelivery {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    agentId: row.agent_id,
    url: row.url,
    attempt: row.attempt,
    outcome:
      row.outcome === 'delivered' ? 'delivered' : row.outcome === 'gave_up' ? 'gave_up' : 'failed',
    httpStatus: row.http_status,
    error: row.error,
    durationMs: row.duration_ms,
    createdAt: row.created_at,
  };
}

/** Data access for post-call results. */
export function createPostCallStore(database: Database, now: () => Date) {
  const { db } = database;
  return {
    /** Stores a conversation's analysis (a conversation that ended again gets a new one). */
    async saveAnalysis(analysis: AnalysisWrite): Promise<void> {
      const row: ConversationAnalysesTable = {
        conversation_id: analysis.conversationId,
        agent_id: analysis.agentId,
        status: analysis.status,
        summary: analysis.summary,
        extracted: analysis.extracted === null ? null : JSON.stringify(analysis.extracted),
        success: analysis.success === null ? null : analysis.success ? 1 : 0,
        rationale: analysis.rationale,
        model: analysis.model,
        error: analysis.error,
        created_at: now().toISOString(),
      };
      const { conversation_id: _id, ...update } = row;
      // A verdict counts in the conversation's rollups: a re-analysis moves it there too.
      await changeConversation(database, analysis.conversationId, async (trx) => {
        await trx
          .insertInto('conversation_analyses')
          .values(row)
          .onConflict((conflict) => conflict.column('conversation_id').doUpdateSet(update))
          .execute();
      });
    },

    /** The analyses of these conversations, by conversation id. */
    async analyses(conversationIds: readonly string[]): Promise<Map<string, ConversationAnalysis>> {
      const found = new Map<string, ConversationAnalysis>();
      if (conversationIds.length === 0) return found;
      const rows = await db
        .selectFrom('conversation_analyses')
        .selectAll()
        .where('conversation_id', 'in', conversationIds)
        .execute();
      for (const row of rows) found.set(row.conversation_id, toAnalysis(row));
      return found;
    },

    /** Logs one delivery attempt. */
    async recordDelivery(delivery: DeliveryWrite): Promise<WebhookDelivery> {
      const row: WebhookDeliveriesTable = {
        id: randomUUID(),
        conversation_id: delivery.conversationId,
        agent_id: delivery.agentId,
        url: delivery.url,
        attempt: delivery.attempt,
        outcome: delivery.outcome,
        http_status: delivery.httpStatus,
        error: delivery.error,
        duration_ms: delivery.durationMs,
        created_at: now().toISOString(),
      };
      await db.insertInto('webhook_deliveries').values(row).execute();
      return toDelivery(row);
    },

    /** Delivery attempts, newest first (one conversation's: oldest first). */
    async deliveries(options: {
      agentId?: string | undefined;
      conversationId?: string | undefined;
      limit: number;
    }): Promise<WebhookDelivery[]> {
      let query = db.selectFrom('webhook_deliveries').selectAll().limit(options.limit);
      if (options.agentId !== undefined) query = query.where('agent_id', '=', options.agentId);
      if (options.conversationId !== undefined)
        query = query
          .where('conversation_id', '=', options.conversationId)
          .orderBy('created_at', 'asc')
          .orderBy('attempt', 'asc');
      else query = query.orderBy('created_at', 'desc').orderBy('attempt', 'desc');
      return (await query.execute()).map(toDelivery);
    },
  };
}

/** See {@link createPostCallStore}. */
export type PostCallStore = ReturnType<typeof createPostCallStore>;
