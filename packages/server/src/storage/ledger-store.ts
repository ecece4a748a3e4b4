/**
 * The cost ledger: conversations' stored costs summed by conversation, agent, version, day or
 * customer, split into token-priced and per-second-priced cost by core's price table (the one
 * the relay priced them with), with the customer and tags the session was granted for.
 */
import { defaultPrices, findPrice } from '@parley/core';
import { sql } from 'kysely';
import type { Ledger, LedgerQuery, LedgerRow } from '../schemas.js';
import type { Database } from './database.js';
import { figureSource } from './figure-sources.js';
import type { FigureQuery, FigureSource } from './figure-sources.js';
import { changeConversation, ledgerFigureColumns } from './rollups.js';

const dayMs = 86_400_000;

type Figures = Ledger['totals'];

const emptyFigures = (): Figures => ({
  conversations: 0,
  inputTokens: 0,
  outputTokens: 0,
  usageSeconds: 0,
  tokenCostUsd: 0,
  perSecondCostUsd: 0,
  costUsd: 0,
});

/** How core's table prices a model. */
function pricingOf(model: string): Ledger['prices'][number] {
  const price = findPrice(defaultPrices, model);
  if (price === null)
    return { model, pricing: 'unpriced', perMillionTokens: null, perMinute: null };
  const { perMinute, ...tokens } = price;
  return {
    model,
    pricing: perMinute ? 'per_second' : 'tokens',
    perMillionTokens: perMinute ? null : { ...tokens },
    perMinute: perMinute ? { active: perMinute.active, standby: perMinute.standby } : null,
  };
}

/** A (group, model) row of sums; a conversation's row also has its id, tags and start. */
interface GroupRow {
  key?: string;
  tags?: string | null;
  started_at?: string;
  agent_id: string | null;
  agent_version: number | null;
  day: string | null;
  customer_id: string | null;
  model: string;
  conversations: number | string;
  input_tokens: number | string | null;
  output_tokens: number | string | null;
  usage_seconds: number | string | null;
  cost_usd: number | string | null;
}

/**
 * Data access for the ledger and the customer attribution of conversations. The sums are read
 * from `source` (see `figure-sources.ts`; the rollups unless a test or the benchmark asks for
 * the raw rows).
 */
export function createLedgerStore(
  database: Database,
  now: () => Date,
  source: FigureSource = 'rollups',
) {
  const { db } = database;
  return {
    /**
     * Attributes a conversation (by its pre-chosen id) to a customer and tags. The first
     * attribution stays: a resumed conversation keeps whom it was for.
     */
    async attribute(
      conversationId: string,
      attribution: { customerId: string | null; tags: readonly string[] },
    ): Promise<void> {
      // Usually written before the conversation starts; if it finished first, its rollups move.
      await changeConversation(database, conversationId, async (trx) => {
        await trx
          .insertInto('conversation_customers')
          .values({
            conversation_id: conversationId,
            customer_id: attribution.customerId,
            tags: JSON.stringify(attribution.tags),
            created_at: now().toISOString(),
          })
          .onConflict((conflict) => conflict.column('conversation_id').doNothing())
          .execute();
      });
    },

    /** Whom a conversation was attributed to (null customer and no tags when nobody said). */
    async attribution(
      conversationId: string,
    ): Promise<{ customerId: string | null; tags: string[] }> {
      const row = await db
        .selectFrom('conversation_customers')
        .select(['customer_id', 'tags'])
        .where('conversation_id', '=', conversationId)
        .executeTakeFirst();
      return row
        ? { customerId: row.customer_id, tags: JSON.parse(row.tags) as string[] }
        : { customerId: null, tags: [] };
    },

    /** The ledger for `query` (see {@link ledgerQuerySchema}). */
    async ledger(query: LedgerQuery): Promise<Ledger> {
      const to = query.to ?? now().toISOString().slice(0, 10);
      const from = query.from ?? new Date(Date.parse(to) - 29 * dayMs).toISOString().slice(0, 10);
      const range: FigureQuery = {
        from,
        to,
        agentId: query.agentId,
        customerId: query.customerId,
        tag: query.tag,
      };
      if (query.groupBy === 'conversation')
        return conversationLedger(database, source, query, range);
      const keys = {
        agent: [sql`s.agent_id`],
        version: [sql`s.agent_id`, sql`s.agent_version`],
        day: [sql`s.day`],
        customer: [sql`s.customer_id`],
      }[query.groupBy];
      const figures = figureSource(
        source,
        range,
        ledgerFigureColumns,
        query.groupBy === 'customer',
      );
      const result = await sql<GroupRow>`
        select
          ${query.groupBy === 'agent' || query.groupBy === 'version' ? sql`s.agent_id` : sql`null`} as agent_id,
          ${query.groupBy === 'version' ? sql`nullif(s.agent_version, 0)` : sql`null`} as agent_version,
          ${query.groupBy === 'day' ? sql`s.day` : sql`null`} as day,
          ${query.groupBy === 'customer' ? sql`nullif(s.customer_id, '')` : sql`null`} as customer_id,
          s.model as model, ${figureSums}
        from (${figures}) s
        group by ${sql.join([...keys, sql`s.model`])}
      `.execute(db);
      return assemble(query, from, to, result.rows);
    },
  };
}

const figureSums = sql`sum(s.conversations) as conversations, sum(s.input_tokens) as input_tokens,
  sum(s.output_tokens) as output_tokens, sum(s.usage_seconds) as usage_seconds,
  sum(s.cost_usd) as cost_usd`;

/**
 * The ledger per conversation: the newest `limit` conversations straight from the started-at
 * index (sorting every conversation of the range to keep a page took seconds at 100,000), and
 * the totals over all of them per model from `source`.
 */
async function conversationLedger(
  { db }: Database,
  source: FigureSource,
  query: LedgerQuery,
  range: FigureQuery,
): Promise<Ledger> {
  const { from, to } = range;
  const end = new Date(Date.parse(to) + dayMs).toISOString();
  const filters = [sql`c.started_at >= ${from}`, sql`c.started_at < ${end}`];
  if (query.agentId !== undefined) filters.push(sql`c.agent_id = ${query.agentId}`);
  if (query.customerId !== undefined) filters.push(sql`cc.customer_id = ${query.customerId}`);
  // Tags are validated to a charset without quotes, so the quoted form matches one whole tag.
  if (query.tag !== undefined) filters.push(sql`cc.tags like ${`%"${query.tag}"%`}`);
  const [page, totals] = await Promise.all([
    sql<GroupRow>`
      select c.id as key, c.agent_id, c.agent_version, substr(c.started_at, 1, 10) as day,
        cc.customer_id, cc.tags, c.model, c.started_at, 1 as conversations,
        c.input_tokens, c.output_tokens, c.usage_seconds, c.cost_usd
      from conversations c
      left join conversation_customers cc on cc.conversation_id = c.id
      where ${sql.join(filters, sql` and `)}
      order by c.started_at desc, c.id desc
      limit ${query.limit + 1}
    `.execute(db),
    sql<GroupRow>`
      select null as agent_id, null as agent_version, null as day, null as customer_id,
        s.model, ${figureSums}
      from (${figureSource(source, range, ledgerFigureColumns)}) s
      group by s.model
    `.execute(db),
  ]);
  const rows = assemble(query, from, to, page.rows);
  const all = assemble({ ...query, groupBy: 'agent' }, from, to, totals.rows);
  return { ...rows, totals: all.totals, prices: all.prices };
}

/** Folds (group, model) rows into ledger rows, ordered, with totals and the prices used. */
function assemble(query: LedgerQuery, from: string, to: string, rows: GroupRow[]): Ledger {
  const totals = emptyFigures();
  const grouped = new Map<string, LedgerRow>();
  const prices = new Map<string, Ledger['prices'][number]>();
  const startedAt = new Map<string, string>();
  for (const row of rows) {
    const price = prices.get(row.model) ?? pricingOf(row.model);
    prices.set(row.model, price);
    const key = groupKey(query.groupBy, row);
    if (query.groupBy === 'conversation') startedAt.set(key, row.started_at ?? '');
    let target = grouped.get(key);
    if (!target) {
      target = {
        key,
        conversationId: query.groupBy === 'conversation' ? (row.key ?? null) : null,
        agentId: row.agent_id,
        agentVersion: row.agent_version === null ? null : Number(row.agent_version),
        day: row.day,
        customerId: row.customer_id,
        tags:
          row.tags === null || row.tags === undefined ? null : (JSON.parse(row.tags) as string[]),
        ...emptyFigures(),
      };
      if (query.groupBy === 'conversation' && target.tags === null) target.tags = [];
      grouped.set(key, target);
    }
    const cost = Number(row.cost_usd ?? 0);
    const figures: Figures = {
      conversations: Number(row.conversations),
      inputTokens: Number(row.input_tokens ?? 0),
      outputTokens: Number(row.output_tokens ?? 0),
      usageSeconds: Number(row.usage_seconds ?? 0),
      tokenCostUsd: price.pricing === 'per_second' ? 0 : cost,
      perSecondCostUsd: price.pricing === 'per_second' ? cost : 0,
      costUsd: cost,
    };
    add(target, figures);
    add(totals, figures);
  }
  const ordered = [...grouped.values()].sort(orderOf(query.groupBy, startedAt));
  return {
    groupBy: query.groupBy,
    from,
    to,
    rows: ordered.slice(0, query.limit),
    truncated: ordered.length > query.limit,
    totals,
    prices: [...prices.values()].sort((a, b) => a.model.localeCompare(b.model)),
  };
}

function groupKey(groupBy: LedgerQuery['groupBy'], row: GroupRow): string {
  switch (groupBy) {
    case 'conversation':
      return row.key ?? '';
    case 'agent':
      return row.agent_id ?? '';
    case 'version':
      return `${row.agent_id ?? ''}@${row.agent_version ?? 'draft'}`;
    case 'day':
      return row.day ?? '';
    case 'customer':
      return row.customer_id ?? '';
  }
}

/** Days and conversations newest first; the rest by cost, highest first. */
function orderOf(
  groupBy: LedgerQuery['groupBy'],
  startedAt: ReadonlyMap<string, string>,
): (a: LedgerRow, b: LedgerRow) => number {
  if (groupBy === 'day') return (a, b) => (b.day ?? '').localeCompare(a.day ?? '');
  if (groupBy === 'conversation')
    return (a, b) => (startedAt.get(b.key) ?? '').localeCompare(startedAt.get(a.key) ?? '');
  return (a, b) => b.costUsd - a.costUsd || a.key.localeCompare(b.key);
}

function add(target: Figures, figures: Figures): void {
  target.conversations += figures.conversations;
  target.inputTokens += figures.inputTokens;
  target.outputTokens += figures.outputTokens;
  target.usageSeconds += figures.usageSeconds;
  target.tokenCostUsd += figures.tokenCostUsd;
  target.perSecondCostUsd += figures.perSecondCostUsd;
  target.costUsd += figures.costUsd;
}

/** See {@link createLedgerStore}. */
export type LedgerStore = ReturnType<typeof createLedgerStore>;
