/**
 * Where analytics and the ledger read conversations' figures from: the daily rollups plus the
 * live conversations (the default), or every conversation row (`conversations`: the reference
 * the rollups are tested against, and the query benchmark's same-run baseline). Both give rows
 * of the same columns, which the callers group and sum the same way.
 */
import { sql } from 'kysely';
import type { RawBuilder } from 'kysely';
import { conversationFigures } from './rollups.js';
import type { analyticsFigureColumns } from './rollups.js';

/** `rollups`: rollup rows for finished conversations, conversation rows for live ones. */
export type FigureSource = 'rollups' | 'conversations';

/** Days `from`..`to` (inclusive, UTC) and the filters of a query. */
export interface FigureQuery {
  from: string;
  to: string;
  agentId?: string | undefined;
  customerId?: string | undefined;
  /** Conversations attributed with this tag. */
  tag?: string | undefined;
}

type Column = (typeof analyticsFigureColumns)[number] | 'finished';

const dayMs = 86_400_000;

/**
 * A derived table of `day, agent_id, agent_version, model` (plus `customer_id, tags` when
 * `groupedByCustomer` or a customer or tag filter asks for them) and `columns`, over the
 * conversations started in the query's days that pass its filters. `agent_version` is 0 for a
 * draft, `customer_id` and `tags` are '' without an attribution. With customers, only the
 * ledger's columns can be asked for (the per-customer rollups have no others).
 */
export function figureSource(
  source: FigureSource,
  query: FigureQuery,
  columns: readonly Column[],
  groupedByCustomer = false,
): RawBuilder<unknown> {
  const byCustomer = groupedByCustomer || query.customerId !== undefined || query.tag !== undefined;
  const customerColumns = byCustomer ? ['customer_id', 'tags'] : [];
  const selected = (alias: string, rename: (column: Column) => string = (column) => column) =>
    sql.join([
      ...['day', 'agent_id', 'agent_version', 'model', ...customerColumns].map((column) =>
        sql.ref(`${alias}.${column}`),
      ),
      ...columns.map(
        (column) => sql`${sql.ref(`${alias}.${rename(column)}`)} as ${sql.ref(column)}`,
      ),
    ]);
  const end = new Date(Date.parse(query.to) + dayMs).toISOString();
  const rowFilters = [sql`c.started_at >= ${query.from}`, sql`c.started_at < ${end}`];
  const agentFilter = (agentId: string) =>
    source === 'conversations'
      ? sql`c.agent_id = ${agentId}`
      : // Live conversations: written so no index can serve it, which leaves SQLite the partial
        // index of live ones rather than every conversation of the agent (a 90-day range of one
        // agent took 1.8 s that way over 100,000 conversations).
        sql`c.agent_id || '' = ${agentId}`;
  if (query.agentId !== undefined) rowFilters.push(agentFilter(query.agentId));
  if (query.customerId !== undefined) rowFilters.push(sql`cc.customer_id = ${query.customerId}`);
  // Tags are validated to a charset without quotes, so the quoted form matches one whole tag.
  const tagPattern = `%"${query.tag ?? ''}"%`;
  if (query.tag !== undefined) rowFilters.push(sql`cc.tags like ${tagPattern}`);
  if (source === 'conversations')
    return sql`select ${selected('f')} from (${conversationFigures(sql.join(rowFilters, sql` and `))}) f`;
  // The literal `'active'` lets both planners use the partial index of live conversations.
  const live = conversationFigures(sql.join([...rowFilters, sql`c.status = 'active'`], sql` and `));
  const table = byCustomer ? 'customer_rollups' : 'conversation_rollups';
  const rollupFilters = [sql`r.day >= ${query.from}`, sql`r.day <= ${query.to}`];
  if (query.agentId !== undefined) rollupFilters.push(sql`r.agent_id = ${query.agentId}`);
  if (query.customerId !== undefined) rollupFilters.push(sql`r.customer_id = ${query.customerId}`);
  if (query.tag !== undefined) rollupFilters.push(sql`r.tags like ${tagPattern}`);
  // In the rollups every conversation has finished.
  const rollupColumn = (column: Column) => (column === 'finished' ? 'conversations' : column);
  return sql`
    select ${selected('r', rollupColumn)} from ${sql.table(table)} r
    where ${sql.join(rollupFilters, sql` and `)}
    union all
    select ${selected('f')} from (${live}) f`;
}
