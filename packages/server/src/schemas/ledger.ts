// The cost ledger: what conversations cost, grouped by conversation, agent, version, day or customer.
import { z } from 'zod';

/** What a ledger row sums over. */
export const ledgerGroupings = ['conversation', 'agent', 'version', 'day', 'customer'] as const;

/** Query of `GET /api/admin/ledger` (ISO dates; the default is the last 30 days). */
export const ledgerQuerySchema = z.object({
  groupBy: z.enum(ledgerGroupings).default('day'),
  agentId: z.string().max(100).optional(),
  customerId: z.string().max(128).optional(),
  tag: z.string().max(64).optional(),
  from: z.iso.date().optional(),
  to: z.iso.date().optional(),
  /** Rows at most (conversation rows are many; the totals always cover every row). */
  limit: z.coerce.number().int().min(1).max(100_000).default(1_000),
});
/** See {@link ledgerQuerySchema}. */
export type LedgerQuery = z.infer<typeof ledgerQuerySchema>;

const ledgerFigures = {
  conversations: z.number(),
  inputTokens: z.number(),
  outputTokens: z.number(),
  /** Billed seconds of per-second (GPT-Live) conversations. */
  usageSeconds: z.number(),
  /** Cost of models priced per token. */
  tokenCostUsd: z.number(),
  /** Cost of models priced per second. */
  perSecondCostUsd: z.number(),
  costUsd: z.number(),
};

/** One row of the ledger: the fields of its grouping are set, the others null. */
export const ledgerRowSchema = z.object({
  key: z.string(),
  conversationId: z.string().nullable(),
  agentId: z.string().nullable(),
  agentVersion: z.number().nullable(),
  day: z.string().nullable(),
  customerId: z.string().nullable(),
  /** A conversation row's tags. */
  tags: z.array(z.string()).nullable(),
  ...ledgerFigures,
});
/** See {@link ledgerRowSchema}. */
export type LedgerRow = z.infer<typeof ledgerRowSchema>;

/** The price core's table gives a model that appears in the ledger. */
export const ledgerPriceSchema = z.object({
  model: z.string(),
  pricing: z.enum(['tokens', 'per_second', 'unpriced']),
  /** USD per million tokens (text/audio input, cached input, output). */
  perMillionTokens: z.record(z.string(), z.number()).nullable(),
  /** USD per minute, active and standby. */
  perMinute: z.object({ active: z.number(), standby: z.number() }).nullable(),
});

/** `GET /api/admin/ledger`. */
export const ledgerSchema = z.object({
  groupBy: z.enum(ledgerGroupings),
  from: z.string(),
  to: z.string(),
  rows: z.array(ledgerRowSchema),
  /** True when there were more rows than `limit`. */
  truncated: z.boolean(),
  totals: z.object(ledgerFigures),
  prices: z.array(ledgerPriceSchema),
});
/** See {@link ledgerSchema}. */
export type Ledger = z.infer<typeof ledgerSchema>;
