/** Leads and scheduled calls: what the agent's tools captured during conversations. */
import { randomUUID } from 'node:crypto';
import type { Lead, ScheduledCall } from '../schemas.js';
import type { Database } from './database.js';
import { changeConversation } from './rollups.js';
import type { LeadsTable } from './tables.js';

function toLead(row: LeadsTable): Lead {
  return {
    id: row.id,
    agentId: row.agent_id,
    conversationId: row.conversation_id,
    name: row.name,
    email: row.email,
    phone: row.phone,
    notes: row.notes,
    notified: row.notified === 1,
    notifyError: row.notify_error,
    createdAt: row.created_at,
  };
}

/** Data access for leads and scheduled calls. */
export function createLeadsStore(database: Database, now: () => Date) {
  const { db } = database;
  const iso = () => now().toISOString();
  return {
    async createLead(input: {
      agentId: string;
      conversationId: string | null;
      name: string;
      email: string | null;
      phone: string | null;
      notes: string;
    }): Promise<Lead> {
      const row: LeadsTable = {
        id: randomUUID(),
        agent_id: input.agentId,
        conversation_id: input.conversationId,
        name: input.name,
        email: input.email,
        phone: input.phone,
        notes: input.notes,
        notified: 0,
        notify_error: null,
        created_at: iso(),
      };
      const insert = (target: typeof db) => target.insertInto('leads').values(row).execute();
      // A lead counts in its conversation's rollups (conversations with a lead).
      if (input.conversationId === null) await insert(db);
      else await changeConversation(database, input.conversationId, insert);
      return toLead(row);
    },

    async markLeadNotified(leadId: string, error: string | null): Promise<void> {
      await db
        .updateTable('leads')
        .set({ notified: error === null ? 1 : 0, notify_error: error })
        .where('id', '=', leadId)
        .execute();
    },

    async listLeads(
      options: { agentId?: string | undefined; limit?: number } = {},
    ): Promise<Lead[]> {
      let query = db
        .selectFrom('leads')
        .selectAll()
        .orderBy('created_at', 'desc')
        .limit(options.limit ?? 200);
      if (options.agentId !== undefined) query = query.where('agent_id', '=', options.agentId);
      return (await query.execute()).map(toLead);
    },

    async createScheduledCall(input: {
      agentId: string;
      conversationId: string | null;
      name: string;
      contact: string;
      startsAt: string;
      notes: string;
    }): Promise<ScheduledCall> {
      const call: ScheduledCall = { id: randomUUID(), ...input, createdAt: iso() };
      await db
        .insertInto('scheduled_calls')
        .values({
          id: call.id,
          agent_id: call.agentId,
          conversation_id: call.conversationId,
          name: call.name,
          contact: call.contact,
          starts_at: call.startsAt,
          notes: call.notes,
          created_at: call.createdAt,
        })
        .execute();
      return call;
    },

    async listScheduledCalls(
      options: { agentId?: string | undefined } = {},
    ): Promise<ScheduledCall[]> {
      let query = db.selectFrom('scheduled_calls').selectAll().orderBy('starts_at').limit(500);
      if (options.agentId !== undefined) query = query.where('agent_id', '=', options.agentId);
      return (await query.execute()).map((row) => ({
        id: row.id,
        agentId: row.agent_id,
        conversationId: row.conversation_id,
        name: row.name,
        contact: row.contact,
        startsAt: row.starts_at,
        notes: row.notes,
        createdAt: row.created_at,
      }));
    },
  };
}

/** See {@link createLeadsStore}. */
export type LeadsStore = ReturnType<typeof createLeadsStore>;
