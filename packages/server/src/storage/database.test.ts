import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
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
  // PostgreSQL only. Kysely's own introspector scanned every schema by name, so a schema that
  // another client dropped during the scan failed this migration ("schema … does not exist").
  if (backend.name === 'postgres')
    it('migrates while another client creates and drops schemas of its own', async () => {
      const churn = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await churn.connect();
      let stop = false;
      let dropped = 0;
      const churning = (async () => {
        while (!stop) {
          const other = `parley_other_${randomBytes(5).toString('hex')}`;
          await churn.query(`CREATE SCHEMA ${other}; CREATE TABLE ${other}.t (id int)`);
          await churn.query(`DROP SCHEMA ${other} CASCADE`);
          dropped += 1;
        }
      })();
      try {
        for (let index = 0; index < 6; index += 1) await (await backend.open()).close();
      } finally {
        stop = true;
        await churning;
        await churn.end();
      }
      expect(dropped).toBeGreaterThan(0);
    });
});
