import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { outputFile, reporters, workspaceAlias } from '../../vitest.shared.ts';

// Core's test doubles (`@parley/core/test-utils`) from source too, like the packages themselves.
const coreTestUtils = fileURLToPath(new URL('../core/src/test-utils/index.ts', import.meta.url));

export default defineConfig({
  // svelteTesting() resolves Svelte's browser build and unmounts components after each test.
  plugins: [svelte(), svelteTesting()],
  resolve: {
    alias: [
      { find: /^@parley\/core\/test-utils$/, replacement: coreTestUtils },
      ...(workspaceAlias as { find: RegExp; replacement: string }[]),
    ],
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters,
    outputFile,
  },
});
