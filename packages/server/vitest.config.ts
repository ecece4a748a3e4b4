import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { outputFile, reporters, workspaceAlias } from '../../vitest.shared';

const schemas = fileURLToPath(new URL('./src/schemas.ts', import.meta.url));
// The emulator's shared test helpers (the test MCP server) from source, like the packages.
const emulatorTestUtils = fileURLToPath(
  new URL('../emulator/src/test-utils/index.ts', import.meta.url),
);

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@parley\/server\/schemas$/, replacement: schemas },
      { find: /^@parley\/emulator\/test-utils$/, replacement: emulatorTestUtils },
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
