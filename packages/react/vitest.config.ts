import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { outputFile, reporters, workspaceAlias } from '../../vitest.shared.ts';

// Core's test doubles (`@parley/core/test-utils`) from source too, like the packages themselves.
const coreTestUtils = fileURLToPath(new URL('../core/src/test-utils/index.ts', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@parley\/core\/test-utils$/, replacement: coreTestUtils },
      ...(workspaceAlias as { find: RegExp; replacement: string }[]),
    ],
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['src/test-utils/frames.setup.ts'],
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    reporters,
    outputFile,
  },
});
