/**
 * Conversations and what flows through them: items, tool calls, responses. Leads and scheduled
 * calls are in `leads-store.ts`, the figures over conversations in `analytics-store.ts`.
 */
import { randomUUID } from 'node:crypto';
import type { Database } from './database.js';
import { conversationReads } from './conversation-reads.js';
import { changeConversation, finishConversations } from './rollups.js';
import type { ResponsesTable } from './tables.js';

export type { ReplayItem } from './conversation-reads.js';

/** A completed item to store. */
export interface StoredItemWrite {
  itemId: string;
  type: string;
  /** A function call's `call_id` (null for other items), so replay finds its stored tool call. */
  callId?: string | null;
  role: string | null;
  text: string | null;
  status: string | null;
}

/** One finished tool call. */
export interface ToolCallRecord {
  callId: string;
  name: string;
  arguments: string;
  output: string | null;
  /** `denied`: an MCP approval the agent's policy refused (the call never ran). */
  outcome: 'ok' | 'error' | 'client' | 'denied';
  durationMs: number | null;
}

/** Usage and cost of one `response.done`. */
export interface StoredResponseWrite {
  responseId: string;
  status: string;
  inputTokens: number;
  outputTokens: number;
  inputTextTokens: number;
  inputAudioTokens: number;
  cachedTokens: number;
  outputTextTokens: number;
  outputAudioTokens: number;
  costUsd: number;
  latencyMs: number | null;
}

/** Data access for conversations and their records. */
export function createConversationsStore(database: Database, now: () => Date) {
  const { db } = database;
  return {
    ...conversationLifecycle(database, now),
    ...conversationRecords(database, now),
    ...conversationReads(db),
  };
}

/**
 * A conversation's life: start, end (or abandoned by a dead process), reopen on a resume. An end
 * puts the conversation's figures into the daily rollups, a reopen takes them out again.
 */
function conversationLifecycle(database: Database, now: () => Date) {
  const { db } = database;
  const iso = () => now().toISOString();
  return {
    async start(input: {
      agentId: string;
      agentVersion: number | null;
      mode: 'relay' | 'direct' | 'webrtc';
      model: string;
      clientId: string | null;
      /** An id chosen beforehand (a relay ticket carries it); default a new UUID. */
      id?: string;
    }): Promise<string> {
      const id = input.id ?? randomUUID();
      await db
        .insertInto('conversations')
        .values({
          id,
          agent_id: input.agentId,
          agent_version: input.agentVersion,
          mode: input.mode,
          model: input.model,
          client_id: input.clientId,
          status: 'active',
          end_reason: null,
          started_at: iso(),
          ended_at: null,
          duration_ms: null,
          input_tokens: 0,
          output_tokens: 0,
          cost_usd: 0,
          item_count: 0,
          usage_seconds: 0,
        })
        // A retry after a connection dropped mid-commit finds the row there: keep it.
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute();
      return id;
    },

    async end(
      conversationId: string,
      outcome: { status: 'completed' | 'failed'; endReason: string },
    ): Promise<void> {
      await changeConversation(
        database,
        conversationId,
        async (trx) => {
          const row = await trx
            .selectFrom('conversations')
            .select(['started_at', 'status'])
            .where('id', '=', conversationId)
            .executeTakeFirst();
          if (!row || row.status !== 'active') return;
          const endedAt = now();
          await trx
            .updateTable('conversations')
            .set({
              status: outcome.status,
              end_reason: outcome.endReason,
              ended_at: endedAt.toISOString(),
              duration_ms: Math.max(0, endedAt.getTime() - Date.parse(row.started_at)),
            })
            .where('id', '=', conversationId)
            .execute();
        },
        { changesStatus: true },
      );
    },

    /**
     * Ends conversations left `active` by a process that died (`kill -9`, a crash), with end reason
     * `server_lost` (resumable within the window). Only those started before `startedBefore`
     * (when given): with several instances, younger ones may still be live elsewhere.
     */
    async closeAbandoned(startedBefore?: Date): Promise<number> {
      return closeAbandoned(database, iso(), startedBefore);
    },

    /**
     * Makes an ended conversation live again (a browser reconnected): the same row, transcript and
     * totals go on, one conversation in the figures however many connections it took. `mode`, the
     * transport it goes on over, becomes the conversation's (the latest leg's: a WebRTC call that
     * fell back to the relay is `relay` from then on); left as it was when not given. False when
     * there is no such conversation.
     */
    async reopen(conversationId: string, mode?: 'relay' | 'webrtc'): Promise<boolean> {
      return changeConversation(
        database,
        conversationId,
        async (trx) => {
          const result = await trx
            .updateTable('conversations')
            .set({
              status: 'active',
              end_reason: null,
              ended_at: null,
              duration_ms: null,
              ...(mode === undefined ? {} : { mode }),
            })
            .where('id', '=', conversationId)
            .executeTakeFirst();
          return Number(result.numUpdatedRows) > 0;
        },
        { changesStatus: true },
      );
    },
  };
}

/** See `closeAbandoned`: ends the live conversations and adds them to the rollups, in one go. */
async function closeAbandoned(
  database: Database,
  endedAt: string,
  startedBefore: Date | undefined,
): Promise<number> {
  return database.db.transaction().execute(async (trx) => {
    let live = trx.selectFrom('conversations').select('id').where('status', '=', 'active');
    if (startedBefore) live = live.where('started_at', '<', startedBefore.toISOString());
    if (database.dialect === 'postgres') live = live.forUpdate();
    const ids = (await live.execute()).map((row) => row.id);
    // In slices: a crash may leave many, and a statement takes a bounded number of values.
    for (let start = 0; start < ids.length; start += 500) {
      const slice = ids.slice(start, start + 500);
      await trx
        .updateTable('conversations')
        .set({ status: 'failed', end_reason: 'server_lost', ended_at: endedAt })
        .where('id', 'in', slice)
        .execute();
      await finishConversations(trx, slice);
    }
    return ids.length;
  });
}

/** See `recordItem`: inserts the item at the end of the transcript, or updates it in place. */
async function upsertItem(
  db: Database['db'],
  conversationId: string,
  item: StoredItemWrite,
  iso: () => string,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('conversation_items')
      .select(['id', 'text', 'call_id'])
      .where('conversation_id', '=', conversationId)
      .where('item_id', '=', item.itemId)
      .executeTakeFirst();
    if (existing) {
      // A record without text (an item in progress, or speech not transcribed yet) does not
      // erase text stored before.
      await trx
        .updateTable('conversation_items')
        .set({
          type: item.type,
          role: item.role,
          text: item.text ?? existing.text,
          call_id: item.callId ?? existing.call_id,
          status: item.status,
        })
        .where('id', '=', existing.id)
        .execute();
      return;
    }
    const count = await trx
      .selectFrom('conversations')
      .select('item_count')
      .where('id', '=', conversationId)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('conversation_items')
      .values({
        id: randomUUID(),
        conversation_id: conversationId,
        item_id: item.itemId,
        seq: count.item_count + 1,
        type: item.type,
        role: item.role,
        text: item.text,
        call_id: item.callId ?? null,
        status: item.status,
        created_at: iso(),
      })
      .execute();
    await trx
      .updateTable('conversations')
      .set({ item_count: count.item_count + 1 })
      .where('id', '=', conversationId)
      .execute();
  });
}

/**
 * What flows through a live conversation: items, transcripts, tool calls, usage. Usage that
 * arrives after the end (a late `response.done`) also updates the conversation's rollups.
 */
function conversationRecords(database: Database, now: () => Date) {
  const { db } = database;
  const iso = () => now().toISOString();
  return {
    /**
     * Stores an item; a later record of the same item id (its completion) updates it in place,
     * keeping its position in the transcript.
     */
    async recordItem(conversationId: string, item: StoredItemWrite): Promise<void> {
      await upsertItem(db, conversationId, item, iso);
    },

    /** Fills in a transcript that arrived after its item was stored (user speech). */
    async setItemText(conversationId: string, itemId: string, text: string): Promise<void> {
      await db
        .updateTable('conversation_items')
        .set({ text })
        .where('conversation_id', '=', conversationId)
        .where('item_id', '=', itemId)
        .execute();
    },

    async recordToolCall(conversationId: string, call: ToolCallRecord): Promise<void> {
      await db
        .insertInto('tool_calls')
        .values({
          id: randomUUID(),
          conversation_id: conversationId,
          call_id: call.callId,
          name: call.name,
          arguments: call.arguments,
          output: call.output,
          outcome: call.outcome,
          duration_ms: call.durationMs,
          created_at: iso(),
        })
        .execute();
    },

    /**
     * GPT-Live usage: `seconds` more billed seconds and their cost, added to the conversation's.
     * Added, not set: each leg of a resumed conversation is a new upstream session whose reports
     * count from zero again (the caller turns a session's cumulative reports into increments).
     */
    async addUsageSeconds(conversationId: string, seconds: number, costUsd: number): Promise<void> {
      if (!(seconds > 0)) return;
      await changeConversation(database, conversationId, async (trx) => {
        await trx
          .updateTable('conversations')
          .set((eb) => ({
            usage_seconds: eb('usage_seconds', '+', seconds),
            cost_usd: eb('cost_usd', '+', costUsd),
          }))
          .where('id', '=', conversationId)
          .execute();
      });
    },

    /** Stores one response's usage and adds it to the conversation's totals. */
    async recordResponse(conversationId: string, response: StoredResponseWrite): Promise<void> {
      await changeConversation(database, conversationId, async (trx) => {
        const row: ResponsesTable = {
          id: randomUUID(),
          conversation_id: conversationId,
          response_id: response.responseId,
          status: response.status,
          input_tokens: response.inputTokens,
          output_tokens: response.outputTokens,
          input_text_tokens: response.inputTextTokens,
          input_audio_tokens: response.inputAudioTokens,
          cached_tokens: response.cachedTokens,
          output_text_tokens: response.outputTextTokens,
          output_audio_tokens: response.outputAudioTokens,
          cost_usd: response.costUsd,
          latency_ms: response.latencyMs,
          created_at: iso(),
        };
        await trx.insertInto('responses').values(row).execute();
        await trx
          .updateTable('conversations')
          .set((eb) => ({
            input_tokens: eb('input_tokens', '+', response.inputTokens),
            output_tokens: eb('output_tokens', '+', response.outputTokens),
            cost_usd: eb('cost_usd', '+', response.costUsd),
          }))
          .where('id', '=', conversationId)
          .execute();
      });
    },
  };
}

/** See {@link createConversationsStore}. */
export type ConversationsStore = ReturnType<typeof createConversationsStore>;
