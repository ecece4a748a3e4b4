/** The data layer: one object over SQLite or PostgreSQL. */
import { createAdminStore } from './admin-store.js';
import { createAgentsStore } from './agents-store.js';
import { createConversationsStore } from './conversations-store.js';
import type { Database } from './database.js';
import { createKnowledgeStore } from './knowledge-store.js';
import { createOutboxStore } from './outbox-store.js';

/**
 * Every query Parley runs, grouped by area. Works the same on both backends.
 *
 * @example
 * ```ts
 * const store = createStore(await openDatabase({ dataDir: './data' }));
 * const agents = await store.agents.list();
 * ```
 */
export function createStore(database: Database, options: { now?: () => Date } = {}) {
  const now = options.now ?? (() => new Date());
  return {
    database,
    agents: createAgentsStore(database, now),
    knowledge: createKnowledgeStore(database, now),
    conversations: createConversationsStore(database, now),
    admin: createAdminStore(database, now),
    outbox: createOutboxStore(database, now),
    close: () => database.close(),
  };
}

/** See {@link createStore}. */
export type Store = ReturnType<typeof createStore>;
