import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { outputFile, reporters, workspaceAlias } from '../../vitest.shared.ts';

export default defineConfig({
  // svelteTesting() resolves Svelte's browser build and unmounts components after each test.
  plugins: [svelte(), svelteTesting()],
  resolve: { alias: workspaceAlias },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters,
    outputFile,
  },
});
