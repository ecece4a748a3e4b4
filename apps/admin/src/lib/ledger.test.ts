import { describe, expect, it } from 'vitest';
import type { Ledger } from '@parley/server/schemas';
import { ledgerCsv } from './ledger.js';

const figures = {
  conversations: 2,
  inputTokens: 300,
  outputTokens: 120,
  usageSeconds: 90,
  tokenCostUsd: 0.0425,
  perSecondCostUsd: 0.075,
  costUsd: 0.1175,
};

describe('ledgerCsv', () => {
  it('writes the grouping columns, the figures and a total line', () => {
    const ledger: Ledger = {
      groupBy: 'customer',
      from: '2026-05-01',
      to: '2026-05-31',
      truncated: false,
      prices: [],
      totals: { ...figures, conversations: 3, costUsd: 0.2 },
      rows: [
        {
          key: 'acme',
          conversationId: null,
          agentId: null,
          agentVersion: null,
          day: null,
          customerId: '=acme',
          tags: null,
          ...figures,
        },
      ],
    };
    const lines = ledgerCsv(ledger).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'Customer,Conversations,Input tokens,Output tokens,Billed seconds,Token cost (USD),Per-second cost (USD),Cost (USD)',
    );
    // A customer id that a spreadsheet would run as a formula stays text.
    expect(lines[1]).toBe("'=acme,2,300,120,90,0.042500,0.075000,0.117500");
    expect(lines[2]).toBe('Total,3,300,120,90,0.042500,0.075000,0.200000');
  });

  it('lists the tags of conversation rows', () => {
    const ledger: Ledger = {
      groupBy: 'conversation',
      from: '2026-05-01',
      to: '2026-05-31',
      truncated: false,
      prices: [],
      totals: figures,
      rows: [
        {
          key: 'conv_1',
          conversationId: 'conv_1',
          agentId: 'agt_1',
          agentVersion: 2,
          day: '2026-05-03',
          customerId: null,
          tags: ['trial', 'web'],
          ...figures,
        },
      ],
    };
    const lines = ledgerCsv(ledger).trimEnd().split('\r\n');
    expect(lines[1]?.startsWith('conv_1,agt_1,2,2026-05-03,,trial web,2,')).toBe(true);
    expect(lines[2]?.startsWith('Total,,,,,,2,')).toBe(true);
  });
});
