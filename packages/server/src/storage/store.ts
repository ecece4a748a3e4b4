/** The data layer: one object over SQLite or PostgreSQL. */
import { createAdminStore } from './admin-store.js';
import { createAgentsStore } from './agents-store.js';
import { createConversationsStore } from './conversations-store.js';
import type { Database } from './database.js';
import type { FigureSource } from './figure-sources.js';
import { createKnowledgeStore } from './knowledge-store.js';
import { createLeadsStore } from './leads-store.js';
import { createToolsStore } from './tools-store.js';
import { createAnalyticsStore } from './analytics-store.js';
import { createOutboxStore } from './outbox-store.js';
import { createTurnsStore } from './turns-store.js';
import { createLedgerStore } from './ledger-store.js';
import { createPostCallStore } from './post-call-store.js';
import { createRecordingsStore } from './recordings-store.js';
import { createExperimentsStore } from './experiments-store.js';
import { createWebhookQueueStore } from './webhook-queue-store.js';

/**
 * Every query Parley runs, grouped by aggregate: agents, webhook tools, knowledge documents,
 * conversations (items, tool calls, responses), leads and scheduled calls, analytics, admin
 * accounts, the outbox. Works the same on both backends.
 *
 * @example
 * ```ts
 * const store = createStore(await openDatabase({ dataDir: './data' }));
 * const agents = await store.agents.list();
 * ```
 */
export function createStore(
  database: Database,
  options: {
    now?: () => Date;
    /**
     * Where analytics and the ledger read sums from: the daily rollups (default), or every
     * conversation row (the reference the rollups are tested against, and the benchmark's baseline).
     */
    figures?: FigureSource;
  } = {},
) {
  const now = options.now ?? (() => new Date());
  const figures = options.figures ?? 'rollups';
  return {
    database,
    agents: createAgentsStore(database, now),
    tools: createToolsStore(database, now),
    knowledge: createKnowledgeStore(database, now),
    conversations: createConversationsStore(database, now),
    leads: createLeadsStore(database, now),
    analytics: createAnalyticsStore(database, now, figures),
    admin: createAdminStore(database, now),
    outbox: createOutboxStore(database, now),
    turns: createTurnsStore(database, now),
    ledger: createLedgerStore(database, now, figures),
    postCall: createPostCallStore(database, now),
    recordings: createRecordingsStore(database, now),
    experiments: createExperimentsStore(database, now),
    webhookQueue: createWebhookQueueStore(database, now),
    close: () => database.close(),
  };
}

/** See {@link createStore}. */
export type Store = ReturnType<typeof createStore>;
