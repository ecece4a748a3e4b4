import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { agentConfigSchema } from '../schemas.js';
import { testBackends } from '../test-utils/databases.js';
import { createStore } from './store.js';

describe.each(testBackends())('database on $name', (backend) => {
  afterAll(() => backend.cleanup());

  it('keeps data across a restart and does not migrate twice', async () => {
    const first = createStore(await backend.open());
    await first.agents.create(
      {
        slug: 'kept',
        name: 'Kept',
        description: '',
        config: agentConfigSchema.parse({ instructions: 'x' }),
        publish: true,
      },
      null,
    );
    await first.close();
    const second = createStore(await backend.reopen());
    try {
      expect((await second.agents.published('kept'))?.config.instructions).toBe('x');
      const migrations = await second.database.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      // Each migration ran once (a second run would have added rows or failed).
      expect(migrations).toEqual([
        { name: '0001_initial' },
        { name: '0002_shared_state' },
        { name: '0003_outbox' },
        { name: '0004_live_usage' },
        { name: '0005_item_call_id' },
        { name: '0006_turns' },
        { name: '0007_customers' },
        { name: '0008_post_call' },
        { name: '0009_recordings' },
        { name: '0010_experiments' },
        { name: '0011_webhook_queue' },
        { name: '0012_query_indexes' },
        { name: '0013_rollups' },
        { name: '0014_slot_holds' },
      ]);
    } finally {
      await second.close();
    }
  });

  // SQLite only (defined only there, so nothing is reported as skipped on PostgreSQL).
  if (backend.name === 'sqlite')
    it('runs SQLite in WAL mode with commits that do not wait for the disk', async () => {
      const store = createStore(await backend.reopen());
      try {
        const pragma = async (name: string): Promise<unknown> =>
          Object.values(
            (await sql.raw(`pragma ${name}`).execute(store.database.db)).rows[0] as object,
          )[0] as unknown;
        expect(await pragma('journal_mode')).toBe('wal');
        expect(await pragma('synchronous')).toBe(1); // NORMAL
      } finally {
        await store.close();
      }
    });
});
