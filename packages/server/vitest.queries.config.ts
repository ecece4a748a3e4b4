// Runs bench/queries.bench-run.ts (analytics, ledger and experiment queries over 100,000
// generated conversations on SQLite and PostgreSQL): `pnpm --filter @parley/server bench:queries`.
import { defineConfig } from 'vitest/config';
import { workspaceAlias } from '../../vitest.shared';

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ['bench/queries.bench-run.ts'],
    setupFiles: ['test/setup-env.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 60_000,
  },
});
