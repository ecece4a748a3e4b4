#!/usr/bin/env node
// Size check for @parley/core's browser build, chained after tsc in `pnpm build`: bundles
// dist/index.js the way an app bundler would (esbuild, platform browser, minified, `ws` left
// external because browsers use the native WebSocket), gzips it, and fails the build past the
// budget. The budget and its reasoning are in the README ("Bundle size").
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** Budget for the minified + gzipped browser bundle, in bytes. Raise it only with a README note. */
export const budgetBytes = 72 * 1024;

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles and measures the built entry point.
 * @returns {Promise<{ minifiedBytes: number, gzippedBytes: number, budgetBytes: number, largest: Array<[string, number]> }>}
 */
export async function measureBrowserBundle(entry = 'dist/index.js') {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [entry],
    absWorkingDir: packageDir,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    external: ['ws'],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  const inputs = Object.values(result.metafile.outputs)[0].inputs;
  const byModule = new Map();
  for (const [path, { bytesInOutput }] of Object.entries(inputs)) {
    const name = path.includes('node_modules/')
      ? path.split('node_modules/').pop().split('/').slice(0, 1).join('/')
      : path.replace(/^dist\//, '');
    byModule.set(name, (byModule.get(name) ?? 0) + bytesInOutput);
  }
  return {
    minifiedBytes: code.length,
    gzippedBytes: gzipSync(code, { level: 9 }).length,
    budgetBytes,
    largest: [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 5),
  };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = await measureBrowserBundle();
  const summary =
    `@parley/core browser bundle: ${kib(size.gzippedBytes)} min+gzip ` +
    `(${kib(size.minifiedBytes)} minified), budget ${kib(size.budgetBytes)}`;
  if (size.gzippedBytes > size.budgetBytes) {
    console.error(`${summary}: OVER BUDGET`);
    console.error(
      `largest minified contributors: ${size.largest.map(([name, bytes]) => `${name} ${kib(bytes)}`).join(', ')}`,
    );
    console.error(
      "hint: import zod as `import * as z from 'zod'`; `import { z } from 'zod'` bundles every locale (~90 KiB gz)",
    );
    process.exit(1);
  }
  console.log(summary);
}
