import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { outputFile, reporters, workspaceAlias } from '../../vitest.shared';

const schemas = fileURLToPath(new URL('./src/schemas.ts', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@parley\/server\/schemas$/, replacement: schemas },
      ...(workspaceAlias as []),
    ],
  },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/setup-env.ts'],
    reporters,
    outputFile,
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
