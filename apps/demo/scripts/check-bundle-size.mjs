// Fails the build when Parley's part of the demo that loads up front (core + audio-worklets + react,
// minified by Vite, gzipped here) outgrows its budget, or when a chunk meant to load on demand
// loads up front. Run by `pnpm --filter @parley/demo build` after `vite build`.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureBundle } from './bundle-size.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const { budgetGzipBytes } = JSON.parse(readFileSync(join(appDir, 'bundle-budget.json'), 'utf8'));
const { rows, lazy, totalGzip, totalMinified, lazyGzip } = measureBundle();
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} kB`;

for (const row of rows)
  console.log(
    `  ${row.file.padEnd(36)} ${kb(row.minifiedBytes).padStart(9)} min  ${kb(row.gzipBytes).padStart(8)} gzip`,
  );
console.log(
  `Parley in the demo: ${kb(totalMinified)} minified, ${kb(totalGzip)} gzipped up front (budget ${kb(budgetGzipBytes)} gzipped)`,
);
for (const row of lazy)
  console.log(
    `  ${row.file.padEnd(36)} ${kb(row.minifiedBytes).padStart(9)} min  ${kb(row.gzipBytes).padStart(8)} gzip  (on demand)`,
  );
console.log(`Loaded on demand (GPT-Live, beta dialect, WebRTC): ${kb(lazyGzip)} gzipped`);
if (totalGzip > budgetGzipBytes) {
  console.error(
    `Over budget by ${kb(totalGzip - budgetGzipBytes)}: shrink Parley's browser code or raise the budget in apps/demo/bundle-budget.json with a reason.`,
  );
  process.exit(1);
}
