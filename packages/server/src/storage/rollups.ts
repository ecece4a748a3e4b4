/**
 * Daily rollups of finished conversations (`conversation_rollups` per day, agent, version and
 * model; `customer_rollups` also per customer and tags, with the ledger's figures only), so
 * analytics and the ledger sum a few rows per day instead of every conversation.
 *
 * A conversation is in the rollups exactly while it is finished (status not `active`); a live one
 * is read from the conversations table (`conversations_live` indexes those few). Every write
 * that can change a finished conversation's figures (its end, a reopen on resume, a late cost,
 * its analysis, a lead, its attribution) runs through {@link changeConversation}, which takes
 * the conversation's figures out of the rollups as they were before the write and puts them back
 * as they are after it, in the same transaction: re-analysis and late costs stay right, and the
 * rollups are exact for today as for any past day. Counts and token sums are exact; cost and
 * billed-second sums are the same floating-point sums added in another order.
 */
import { sql } from 'kysely';
import type { RawBuilder, Transaction } from 'kysely';
import type { Database } from './database.js';
import type {
  ConversationRollupsTable,
  ConversationsTable,
  CustomerRollupsTable,
  Tables,
} from './tables.js';

/**
 * One conversation's figures: what it adds to its rollup rows (see {@link conversationFigures}).
 * The columns of both rollup tables (`agent_version` 0 for a draft without a version,
 * `customer_id` and `tags` '' without a customer or attribution), the conversation it is, and
 * `finished`: 1 once it is not `active` (the rollups hold finished conversations only, so their
 * `conversations` counts these).
 */
export type FigureRow = ConversationRollupsTable &
  Pick<CustomerRollupsTable, 'customer_id' | 'tags'> &
  Pick<ConversationsTable, 'id' | 'status' | 'started_at'> & { finished: number };

/** The figures both rollup tables sum (the ledger's). */
export const ledgerFigureColumns = [
  'conversations',
  'input_tokens',
  'output_tokens',
  'usage_seconds',
  'cost_usd',
] as const satisfies readonly (keyof CustomerRollupsTable & keyof ConversationRollupsTable)[];

/** The figures `conversation_rollups` sums; `finished` is `conversations` there. */
export const analyticsFigureColumns = [
  ...ledgerFigureColumns,
  'completed',
  'with_lead',
  'judged',
  'successes',
  'duration_count',
  'duration_ms_sum',
] as const satisfies readonly (keyof ConversationRollupsTable)[];

const dayKey = ['day', 'agent_id', 'agent_version', 'model'] as const;

const rollupTables = [
  { table: 'conversation_rollups', key: dayKey, figures: analyticsFigureColumns },
  {
    table: 'customer_rollups',
    key: [...dayKey, 'customer_id', 'tags'],
    figures: ledgerFigureColumns,
  },
] as const;

/**
 * Each conversation matching `where` as one row of figures: the one definition of what a
 * conversation counts for, read by the raw queries, by the live part of rollup queries and when
 * a conversation's rollup contribution changes. `c` is the conversation.
 */
export function conversationFigures(where: RawBuilder<unknown>): RawBuilder<FigureRow> {
  return sql<FigureRow>`
    select c.id, c.status, c.started_at, substr(c.started_at, 1, 10) as day, c.agent_id,
      coalesce(c.agent_version, 0) as agent_version, c.model,
      coalesce(cc.customer_id, '') as customer_id, coalesce(cc.tags, '') as tags,
      1 as conversations,
      case when c.status <> 'active' then 1 else 0 end as finished,
      case when c.status = 'completed' then 1 else 0 end as completed,
      case when exists (select 1 from leads l where l.conversation_id = c.id) then 1 else 0 end
        as with_lead,
      case when a.success is null then 0 else 1 end as judged,
      coalesce(a.success, 0) as successes,
      case when c.duration_ms is null then 0 else 1 end as duration_count,
      coalesce(c.duration_ms, 0) as duration_ms_sum,
      c.input_tokens, c.output_tokens,
      cast(c.usage_seconds as double precision) as usage_seconds, c.cost_usd
    from conversations c
    left join conversation_customers cc on cc.conversation_id = c.id
    left join conversation_analyses a on a.conversation_id = c.id
    where ${where}`;
}

type Change = { sign: 1 | -1; row: FigureRow };

/** Adds (or takes out) conversations' figures, one upsert per rollup row, in key order. */
async function applyChanges(trx: Transaction<Tables>, changes: readonly Change[]): Promise<void> {
  for (const { table, key, figures } of rollupTables) {
    const deltas = new Map<string, Record<string, string | number>>();
    for (const { sign, row } of changes) {
      const id = key.map((column) => String(row[column])).join('\u0000');
      let delta = deltas.get(id);
      if (!delta) {
        delta = Object.fromEntries(key.map((column) => [column, row[column]]));
        for (const column of figures) delta[column] = 0;
        deltas.set(id, delta);
      }
      for (const column of figures) delta[column] = Number(delta[column]) + sign * row[column];
    }
    // Key order: two transactions never wait for each other's rows in opposite orders.
    for (const id of [...deltas.keys()].sort()) {
      const delta = deltas.get(id)!;
      if (figures.every((column) => delta[column] === 0)) continue;
      const columns = [...key, ...figures];
      await sql`
        insert into ${sql.table(table)} (${sql.join(columns.map((column) => sql.ref(column)))})
        values (${sql.join(columns.map((column) => delta[column]))})
        on conflict (${sql.join(key.map((column) => sql.ref(column)))}) do update set ${sql.join(
          figures.map(
            (column) =>
              sql`${sql.ref(column)} = ${sql.ref(`${table}.${column}`)} + excluded.${sql.ref(column)}`,
          ),
        )}
      `.execute(trx);
      if (Number(delta.conversations) < 0)
        await sql`
          delete from ${sql.table(table)}
          where ${sql.join(
            key.map((column) => sql`${sql.ref(column)} = ${delta[column]}`),
            sql` and `,
          )} and conversations <= 0
        `.execute(trx);
    }
  }
}

async function figuresOf(
  trx: Transaction<Tables>,
  conversationId: string,
): Promise<FigureRow | null> {
  const { rows } = await conversationFigures(sql`c.id = ${conversationId}`).execute(trx);
  const row = rows[0];
  return row && row.status !== 'active' ? row : null;
}

/**
 * Runs `write` in a transaction and moves the conversation's figures in the rollups from what
 * they were before it to what they are after it. On PostgreSQL the conversation's row is locked
 * first, so writes to one conversation take turns and each reads the figures the last one left.
 * A write to a live conversation that does not end it (`changesStatus` unset) costs one lookup.
 */
export async function changeConversation<T>(
  database: Database,
  conversationId: string,
  write: (trx: Transaction<Tables>) => Promise<T>,
  options: { changesStatus?: boolean } = {},
): Promise<T> {
  return database.db.transaction().execute(async (trx) => {
    let lookup = trx.selectFrom('conversations').select('status').where('id', '=', conversationId);
    if (database.dialect === 'postgres') lookup = lookup.forUpdate();
    const current = await lookup.executeTakeFirst();
    if (!current || (current.status === 'active' && options.changesStatus !== true))
      return write(trx);
    const before = current.status === 'active' ? null : await figuresOf(trx, conversationId);
    const result = await write(trx);
    const after = await figuresOf(trx, conversationId);
    const changes: Change[] = [];
    if (before) changes.push({ sign: -1, row: before });
    if (after) changes.push({ sign: 1, row: after });
    await applyChanges(trx, changes);
    return result;
  });
}

/** Adds the figures of conversations that `trx` has just finished together (`closeAbandoned`). */
export async function finishConversations(
  trx: Transaction<Tables>,
  conversationIds: readonly string[],
): Promise<void> {
  if (conversationIds.length === 0) return;
  const { rows } = await conversationFigures(
    sql`c.id in (${sql.join(conversationIds)}) and c.status <> 'active'`,
  ).execute(trx);
  await applyChanges(
    trx,
    rows.map((row) => ({ sign: 1, row })),
  );
}
