// The cost ledger's CSV: one line per row, the grouping's fields first, then the figures.
import type { Ledger, LedgerRow } from '@parley/server/schemas';
import { toCsv } from './text.js';

const groupingColumns: Record<
  Ledger['groupBy'],
  readonly { header: string; value: (row: LedgerRow) => unknown }[]
> = {
  conversation: [
    { header: 'Conversation', value: (row) => row.conversationId },
    { header: 'Agent', value: (row) => row.agentId },
    { header: 'Version', value: (row) => row.agentVersion },
    { header: 'Day', value: (row) => row.day },
    { header: 'Customer', value: (row) => row.customerId },
    { header: 'Tags', value: (row) => (row.tags ?? []).join(' ') },
  ],
  agent: [{ header: 'Agent', value: (row) => row.agentId }],
  version: [
    { header: 'Agent', value: (row) => row.agentId },
    { header: 'Version', value: (row) => row.agentVersion },
  ],
  day: [{ header: 'Day', value: (row) => row.day }],
  customer: [{ header: 'Customer', value: (row) => row.customerId }],
};

const figureColumns: readonly { header: string; value: (row: LedgerRow) => unknown }[] = [
  { header: 'Conversations', value: (row) => row.conversations },
  { header: 'Input tokens', value: (row) => row.inputTokens },
  { header: 'Output tokens', value: (row) => row.outputTokens },
  { header: 'Billed seconds', value: (row) => row.usageSeconds },
  { header: 'Token cost (USD)', value: (row) => row.tokenCostUsd.toFixed(6) },
  { header: 'Per-second cost (USD)', value: (row) => row.perSecondCostUsd.toFixed(6) },
  { header: 'Cost (USD)', value: (row) => row.costUsd.toFixed(6) },
];

/** The ledger as CSV (RFC 4180, formula-safe), with a closing total line. */
export function ledgerCsv(ledger: Ledger): string {
  const columns = [...groupingColumns[ledger.groupBy], ...figureColumns];
  const total: LedgerRow = {
    key: 'total',
    conversationId: null,
    agentId: null,
    agentVersion: null,
    day: null,
    customerId: null,
    tags: null,
    ...ledger.totals,
  };
  const csv = toCsv(ledger.rows, columns);
  const totalLine = toCsv(
    [total],
    [
      { header: '', value: () => 'Total' },
      ...groupingColumns[ledger.groupBy].slice(1).map(() => ({ header: '', value: () => '' })),
      ...figureColumns,
    ],
  ).split('\r\n')[1];
  return `${csv}${totalLine}\r\n`;
}
