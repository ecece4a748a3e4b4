/**
 * Reading conversations back: the replay a resumed session is told, the admin's list, one
 * conversation and its full record.
 */
import type { Conversation, ConversationDetail } from '../schemas.js';
import type { Database } from './database.js';
import { StoreError } from './errors.js';
import { percentile } from './percentile.js';
import type { ConversationsTable } from './tables.js';

type Db = Database['db'];

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
    }
  | {
      /** A call the upstream made on one of the agent's MCP servers (or an approval it refused). */
      type: 'mcp_call';
      serverLabel: string;
      /** The tool's own name on its server. */
      tool: string;
      arguments: string;
      /** The tool's output, or its `{"error": …}` (null for a refused call). */
      output: string | null;
      outcome: 'ok' | 'error' | 'denied';
    };

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

/** A stored outcome as the API reports it (anything unknown reads as `ok`, as before). */
function toolOutcome(outcome: string): 'ok' | 'error' | 'client' | 'denied' {
  return outcome === 'error' || outcome === 'client' || outcome === 'denied' ? outcome : 'ok';
}

/** The median response latency of each conversation (absent: none measured). */
async function latencyMedians(db: Db, ids: readonly string[]): Promise<Map<string, number | null>> {
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

/** One conversation with its items, tool calls and responses; throws `not_found`. */
async function conversationDetail(db: Db, conversationId: string): Promise<ConversationDetail> {
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
    latencyMedians(db, [conversationId]),
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
}

/** A stored MCP tool call (named `mcp:<label>/<tool>`) as a replay item; null for any other name. */
function mcpReplayItem(call: {
  name: string;
  arguments: string;
  output: string | null;
  outcome: string;
}): ReplayItem | null {
  const match = /^mcp:([^/]+)\/(.+)$/.exec(call.name);
  if (!match) return null;
  return {
    type: 'mcp_call',
    serverLabel: match[1]!,
    tool: match[2]!,
    arguments: call.arguments,
    output: call.output,
    outcome: call.outcome === 'denied' ? 'denied' : call.outcome === 'ok' ? 'ok' : 'error',
  };
}

/** The read queries of the conversations store. */
export function conversationReads(db: Db) {
  return {
    /**
     * The conversation so far, in order, as a new upstream session must be told it: messages with
     * their text (user speech as its transcript), and each tool call with its output. Items
     * without text (speech whose transcript never came) are left out.
     */
    async replayItems(conversationId: string): Promise<ReplayItem[]> {
      const [items, calls] = await Promise.all([
        db
          .selectFrom('conversation_items')
          .select(['item_id', 'type', 'role', 'text', 'call_id'])
          .where('conversation_id', '=', conversationId)
          .orderBy('seq')
          .execute(),
        db
          .selectFrom('tool_calls')
          .select(['call_id', 'name', 'arguments', 'output', 'outcome'])
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
        } else if (item.type === 'mcp_call' || item.type === 'mcp_approval_request') {
          // An MCP call is stored under its item id; a refused approval under the request's.
          const index = unused.findIndex((call) => call.call_id === item.item_id);
          if (index === -1) continue;
          const [call] = unused.splice(index, 1);
          const mcp = mcpReplayItem(call!);
          if (mcp) replay.push(mcp);
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
      const medians = await latencyMedians(
        db,
        rows.map((row) => row.id),
      );
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
      const medians = await latencyMedians(db, [conversationId]);
      return toConversation(row, medians.get(conversationId) ?? null);
    },

    detail(conversationId: string): Promise<ConversationDetail> {
      return conversationDetail(db, conversationId);
    },
  };
}
