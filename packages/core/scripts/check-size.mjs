#!/usr/bin/env node
// Size check for @parley/core's browser build, chained after tsc in `pnpm build`: bundles every
// export of dist/index.js the way an app bundler would (esbuild, platform browser, minified, code
// splitting on, `ws` left external because browsers use the native WebSocket), gzips what loads
// up front, and fails the build past the budget or when a schema library is in it. Lazily loaded
// chunks (zod for a JSON Schema tool's first call) are reported apart. The budget and its
// reasoning are in the README ("Bundle size").
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

/** Budget for the minified + gzipped browser bundle, in bytes. Raise it only with a README note. */
export const budgetBytes = 33 * 1024;

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Bundles entry points and measures what a page loads up front (the entry chunk and the chunks
 * it imports statically) apart from what it loads lazily.
 * @param {string | { contents: string, resolveDir: string }} entry a file, or module text
 * @param {{ external?: string[], nodePaths?: string[] }} [options]
 * @returns {Promise<{ minifiedBytes: number, gzippedBytes: number, lazyGzippedBytes: number, budgetBytes: number, largest: Array<[string, number]>, modules: string[] }>}
 */
export async function measureBrowserBundle(entry = 'dist/index.js', options = {}) {
  const { build } = await import('esbuild');
  const result = await build({
    ...(typeof entry === 'string'
      ? { entryPoints: [entry], absWorkingDir: packageDir }
      : { stdin: { ...entry, loader: 'js' } }),
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir: '/size-check',
    external: ['ws', ...(options.external ?? [])],
    nodePaths: options.nodePaths ?? [],
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const outputs = result.metafile.outputs;
  const entryName = Object.keys(outputs).find((name) => outputs[name].entryPoint !== undefined);
  // The entry and its static imports load up front; dynamic imports load when first called.
  const eager = new Set();
  const visit = (name) => {
    if (eager.has(name)) return;
    eager.add(name);
    for (const imported of outputs[name].imports) {
      if (imported.kind === 'import-statement' && outputs[imported.path]) visit(imported.path);
    }
  };
  visit(entryName);
  let minifiedBytes = 0;
  let gzippedBytes = 0;
  let lazyGzippedBytes = 0;
  const byModule = new Map();
  for (const file of result.outputFiles) {
    const name = Object.keys(outputs).find((output) =>
      file.path.endsWith(output.replace(/^.*\//, '/')),
    );
    const gzipped = gzipSync(file.contents, { level: 9 }).length;
    if (name === undefined || !eager.has(name)) {
      lazyGzippedBytes += gzipped;
      continue;
    }
    minifiedBytes += file.contents.length;
    gzippedBytes += gzipped;
    for (const [path, { bytesInOutput }] of Object.entries(outputs[name].inputs)) {
      const module = path.includes('node_modules/')
        ? path.split('node_modules/').pop().split('/').slice(0, 1).join('/')
        : path.replace(/^(\.\.\/)*/, '').replace(/^dist\//, '');
      byModule.set(module, (byModule.get(module) ?? 0) + bytesInOutput);
    }
  }
  return {
    minifiedBytes,
    gzippedBytes,
    lazyGzippedBytes,
    budgetBytes,
    largest: [...byModule].sort((a, b) => b[1] - a[1]).slice(0, 5),
    modules: [...byModule.keys()],
  };
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = await measureBrowserBundle();
  const summary =
    `@parley/core browser bundle: ${kib(size.gzippedBytes)} min+gzip ` +
    `(${kib(size.minifiedBytes)} minified), budget ${kib(size.budgetBytes)}; ` +
    `${kib(size.lazyGzippedBytes)} loaded lazily`;
  if (size.modules.includes('zod')) {
    console.error(`${summary}: zod is in what loads up front`);
    console.error('hint: the browser path must not import zod at run time (`import type` only)');
    process.exit(1);
  }
  if (size.gzippedBytes > size.budgetBytes) {
    console.error(`${summary}: OVER BUDGET`);
    console.error(
      `largest minified contributors: ${size.largest.map(([name, bytes]) => `${name} ${kib(bytes)}`).join(', ')}`,
    );
    process.exit(1);
  }
  console.log(summary);
}
