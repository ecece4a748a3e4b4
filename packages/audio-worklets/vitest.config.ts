import { defineConfig } from 'vitest/config';
import { outputFile, reporters, workspaceAlias } from '../../vitest.shared.ts';

export default defineConfig({
  resolve: { alias: workspaceAlias },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The browser suites run real-time audio: one Chromium at a time keeps them from starving
    // each other (and the fake microphone) of CPU on a small machine.
    fileParallelism: false,
    // The browser suites measure real-time audio: a fake microphone read by Chromium's capture thread
    // and chunks delivered by page timers. On a 2-core machine a burst of other work can starve those
    // threads for tens of milliseconds (seen: a capture frame dropped by the fake device, a timer 30 ms
    // late that the 40 ms pre-roll cannot cover), which fails a run without any defect in the worklets.
    // A retry absorbs one such burst; a real regression fails every attempt and still fails the suite.
    retry: 2,
    reporters,
    outputFile,
  },
});
