/**
 * Conversations and what flows through them: items, tool calls, responses. Leads and scheduled
 * calls are in `leads-store.ts`, the figures over conversations in `analytics-store.ts`.
 */
import { randomUUID } from 'node:crypto';
import type { Conversation, ConversationDetail } from '../schemas.js';
import type { Database } from './database.js';
import { StoreError } from './errors.js';
import { percentile } from './percentile.js';
import type { ConversationsTable, ResponsesTable } from './tables.js';

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

/** What {@link ConversationsStore.replayItems} gives back: the conversation, as text. */
export type ReplayItem =
  | { type: 'message'; role: 'user' | 'assistant'; text: string }
  | {
      type: 'function_call';
      callId: string;
      name: string;
      arguments: string;
      /** Null when the call never got an output. */
      output: string | null;
    };

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

function toConversation(row: ConversationsTable, latencyMsP50: number | null): Conversation {
  return {
    id: row.id,
    agentId: row.agent_id,
    agentVersion: row.agent_version,
    mode: row.mode === 'direct' || row.mode === 'webrtc' ? row.mode : 'relay',
    model: row.model,
    status: row.status === 'active' || row.status === 'failed' ? row.status : 'completed',
    endReason: row.end_reason,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    durationMs: row.duration_ms,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    costUsd: row.cost_usd,
    latencyMsP50,
    itemCount: row.item_count,
    usageSeconds: row.usage_seconds,
  };
}

/** Data access for conversations and their records. */
export function createConversationsStore(database: Database, now: () => Date) {
  const { db } = database;
  const iso = () => now().toISOString();

  async function latencyMedians(ids: readonly string[]): Promise<Map<string, number | null>> {
    const medians = new Map<string, number | null>();
    if (ids.length === 0) return medians;
    const rows = await db
      .selectFrom('responses')
      .select(['conversation_id', 'latency_ms'])
      .where('conversation_id', 'in', ids)
      .where('latency_ms', 'is not', null)
      .execute();
    const grouped = new Map<string, number[]>();
    for (const row of rows) {
      const list = grouped.get(row.conversation_id) ?? [];
      list.push(row.latency_ms ?? 0);
      grouped.set(row.conversation_id, list);
    }
    for (const [id, values] of grouped)
      medians.set(
        id,
        percentile(
          values.sort((a, b) => a - b),
          50,
        ),
      );
    return medians;
  }

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

    /**
     * Stores an item; a later record of the same item id (its completion) updates it in place,
     * keeping its position in the transcript.
     */
    async recordItem(conversationId: string, item: StoredItemWrite): Promise<void> {
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
     * GPT-Live usage: the cumulative billed seconds the API reported, and their cost added to the
     * conversation's (seconds that go backwards are ignored: reports are cumulative).
     */
    async recordUsageSeconds(
      conversationId: string,
      seconds: number,
      costUsd: number,
    ): Promise<void> {
      await db
        .updateTable('conversations')
        .set((eb) => ({ usage_seconds: seconds, cost_usd: eb('cost_usd', '+', costUsd) }))
        .where('id', '=', conversationId)
        .where('usage_seconds', '<', seconds)
        .execute();
    },

    /** Stores one response's usage and adds it to the conversation's totals. */
    async recordResponse(conversationId: string, response: StoredResponseWrite): Promise<void> {
      await db.transaction().execute(async (trx) => {
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

    async end(
      conversationId: string,
      outcome: { status: 'completed' | 'failed'; endReason: string },
    ): Promise<void> {
      const row = await db
        .selectFrom('conversations')
        .select(['started_at', 'status'])
        .where('id', '=', conversationId)
        .executeTakeFirst();
      if (!row || row.status !== 'active') return;
      const endedAt = now();
      await db
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

    /**
     * Ends conversations left `active` by a process that died (`kill -9`, a crash), with end reason
     * `server_lost` (resumable within the window). Only those started before `startedBefore`
     * (when given): with several instances, younger ones may still be live elsewhere.
     */
    async closeAbandoned(startedBefore?: Date): Promise<number> {
      const endedAt = now().toISOString();
      let query = db
        .updateTable('conversations')
        .set({ status: 'failed', end_reason: 'server_lost', ended_at: endedAt })
        .where('status', '=', 'active');
      if (startedBefore) query = query.where('started_at', '<', startedBefore.toISOString());
      const result = await query.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    /**
     * Makes an ended conversation live again (a browser reconnected through the relay): the same
     * row, transcript and totals go on. False when there is no such conversation.
     */
    async reopen(conversationId: string): Promise<boolean> {
      const result = await db
        .updateTable('conversations')
        .set({ status: 'active', end_reason: null, ended_at: null, duration_ms: null })
        .where('id', '=', conversationId)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    /**
     * The conversation so far, in order, as a new upstream session must be told it: messages with
     * their text (user speech as its transcript), and each tool call with its output. Items
     * without text (speech whose transcript never came) are left out.
     */
    async replayItems(conversationId: string): Promise<ReplayItem[]> {
      const [items, calls] = await Promise.all([
        db
          .selectFrom('conversation_items')
          .select(['type', 'role', 'text', 'call_id'])
          .where('conversation_id', '=', conversationId)
          .orderBy('seq')
          .execute(),
        db
          .selectFrom('tool_calls')
          .select(['call_id', 'name', 'arguments', 'output'])
          .where('conversation_id', '=', conversationId)
          .orderBy('created_at')
          .execute(),
      ]);
      // A call item names its tool call by `call_id`; rows stored before that column existed are
      // matched by their `name(arguments)` text.
      const unused = [...calls];
      const replay: ReplayItem[] = [];
      for (const item of items) {
        if (item.type === 'message') {
          if ((item.role === 'user' || item.role === 'assistant') && item.text)
            replay.push({ type: 'message', role: item.role, text: item.text });
        } else if (item.type === 'function_call') {
          const index = unused.findIndex((call) =>
            item.call_id === null
              ? `${call.name}(${call.arguments})` === item.text
              : call.call_id === item.call_id,
          );
          if (index === -1) continue;
          const [call] = unused.splice(index, 1);
          replay.push({
            type: 'function_call',
            callId: call!.call_id,
            name: call!.name,
            arguments: call!.arguments,
            output: call!.output,
          });
        }
      }
      return replay;
    },

    async list(options: {
      agentId?: string | undefined;
      limit: number;
      before?: string | undefined;
    }): Promise<Conversation[]> {
      let query = db
        .selectFrom('conversations')
        .selectAll()
        .orderBy('started_at', 'desc')
        .limit(options.limit);
      if (options.agentId !== undefined) query = query.where('agent_id', '=', options.agentId);
      if (options.before !== undefined) query = query.where('started_at', '<', options.before);
      const rows = await query.execute();
      const medians = await latencyMedians(rows.map((row) => row.id));
      return rows.map((row) => toConversation(row, medians.get(row.id) ?? null));
    },

    /** One conversation's row (no items), or undefined when there is none. */
    async get(conversationId: string): Promise<Conversation | undefined> {
      const row = await db
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', conversationId)
        .executeTakeFirst();
      if (!row) return undefined;
      const medians = await latencyMedians([conversationId]);
      return toConversation(row, medians.get(conversationId) ?? null);
    },

    async detail(conversationId: string): Promise<ConversationDetail> {
      const row = await db
        .selectFrom('conversations')
        .selectAll()
        .where('id', '=', conversationId)
        .executeTakeFirst();
      if (!row) throw new StoreError('not_found', `conversation ${conversationId} not found`);
      const [items, toolCalls, responses, medians] = await Promise.all([
        db
          .selectFrom('conversation_items')
          .selectAll()
          .where('conversation_id', '=', conversationId)
          .orderBy('seq')
          .execute(),
        db
          .selectFrom('tool_calls')
          .selectAll()
          .where('conversation_id', '=', conversationId)
          .orderBy('created_at')
          .execute(),
        db
          .selectFrom('responses')
          .selectAll()
          .where('conversation_id', '=', conversationId)
          .orderBy('created_at')
          .execute(),
        latencyMedians([conversationId]),
      ]);
      return {
        conversation: toConversation(row, medians.get(conversationId) ?? null),
        items: items.map((item) => ({
          id: item.id,
          itemId: item.item_id,
          type: item.type,
          role: item.role,
          text: item.text,
          status: item.status,
          createdAt: item.created_at,
        })),
        toolCalls: toolCalls.map((call) => ({
          id: call.id,
          callId: call.call_id,
          name: call.name,
          arguments: call.arguments,
          output: call.output,
          outcome: toolOutcome(call.outcome),
          durationMs: call.duration_ms,
          createdAt: call.created_at,
        })),
        responses: responses.map((response) => ({
          id: response.id,
          responseId: response.response_id,
          status: response.status,
          inputTokens: response.input_tokens,
          outputTokens: response.output_tokens,
          inputTextTokens: response.input_text_tokens,
          inputAudioTokens: response.input_audio_tokens,
          cachedTokens: response.cached_tokens,
          outputTextTokens: response.output_text_tokens,
          outputAudioTokens: response.output_audio_tokens,
          costUsd: response.cost_usd,
          latencyMs: response.latency_ms,
          createdAt: response.created_at,
        })),
      };
    },
  };
}

/** See {@link createConversationsStore}. */
export type ConversationsStore = ReturnType<typeof createConversationsStore>;

/** A stored outcome as the API reports it (anything unknown reads as `ok`, as before). */
function toolOutcome(outcome: string): ToolCallRecord['outcome'] {
  return outcome === 'error' || outcome === 'client' || outcome === 'denied' ? outcome : 'ok';
}
