import { defineConfig } from 'vitest/config';
import react from '@vitejs/plugin-react';
import { outputFile, reporters, workspaceAlias } from '../../vitest.shared.ts';

export default defineConfig({
  plugins: [react()],
  resolve: { alias: workspaceAlias },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}', 'test/**/*.test.{ts,tsx}'],
    reporters,
    outputFile,
    // End-to-end steps wait for real-time audio on a shared machine; a hang still fails within a minute.
    testTimeout: 60_000,
    // One file at a time: each end-to-end file runs a server, an emulator and Chromium with real-time
    // audio, and two at once on a small CI machine would measure CPU contention, not the demo.
    fileParallelism: false,
  },
});
