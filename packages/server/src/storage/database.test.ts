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
      expect(migrations).toHaveLength(1);
    } finally {
      await second.close();
    }
  });
});
