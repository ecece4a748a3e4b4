#!/usr/bin/env node
// What a React app ships for voice: every export of @parley/react, @parley/core and
// @parley/audio-worklets bundled together for the browser (React itself external), minified and
// gzipped, counting what loads up front (a JSON Schema tool's lazily loaded validator apart).
// Chained after tsc in `pnpm build`, it fails the build past the budget. Every export is kept, so
// a real app, which tree-shakes what it does not import, ships less. The measuring is core's
// (scripts/check-size.mjs there), so both checks bundle the same way.
import { fileURLToPath } from 'node:url';
import { measureBrowserBundle } from '../../core/scripts/check-size.mjs';

/** Budget for core + audio-worklets + react, min+gzip, in bytes (issue 14: at most 40 KiB). */
export const voiceBudgetBytes = 40 * 1024;

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Measures the voice bundle of a React app. */
export function measureVoiceBundle() {
  return measureBrowserBundle(
    {
      contents: [
        "export * from '@parley/react';",
        "export * from '@parley/core';",
        "export * from '@parley/audio-worklets';",
      ].join('\n'),
      resolveDir: packageDir,
    },
    { external: ['react', 'react-dom', 'react/jsx-runtime', 'scheduler'] },
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = await measureVoiceBundle();
  const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
  const summary =
    `core + audio-worklets + react (React excluded): ${kib(size.gzippedBytes)} min+gzip ` +
    `(${kib(size.minifiedBytes)} minified), budget ${kib(voiceBudgetBytes)}`;
  if (size.gzippedBytes > voiceBudgetBytes || size.modules.includes('zod')) {
    console.error(
      `${summary}: OVER BUDGET${size.modules.includes('zod') ? ' (zod up front)' : ''}`,
    );
    console.error(
      `largest minified contributors: ${size.largest.map(([name, bytes]) => `${name} ${kib(bytes)}`).join(', ')}`,
    );
    process.exit(1);
  }
  console.log(summary);
}
