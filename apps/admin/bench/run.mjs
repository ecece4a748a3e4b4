// Size of the built console (what an admin's browser downloads on first visit), against the budget
// and against what Chart.js alone would weigh if every component were registered (`chart.js/auto`).
import { readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { gzipSync } from 'node:zlib';

const assets = new URL('../dist/assets/', import.meta.url);
if (!existsSync(assets))
  throw new Error('apps/admin/dist is missing: run pnpm --filter @parley/admin build first');

const gz = (buffer) => gzipSync(buffer, { level: 9 }).length / 1024;
// First load: the scripts index.html loads or preloads; the other chunks come with their pages.
const html = readFileSync(new URL('../dist/index.html', import.meta.url), 'utf8');
const firstLoad = new Set([...html.matchAll(/assets\/([^"]+\.js)"/g)].map((match) => match[1]));
let entryJs = 0;
let lazyJs = 0;
let workletJs = 0;
let css = 0;
for (const file of readdirSync(assets)) {
  const content = readFileSync(new URL(file, assets));
  if (file.endsWith('.css')) css += gz(content);
  else if (file.endsWith('.js') && /^(capture|playback)-/.test(file)) workletJs += gz(content);
  else if (file.endsWith('.js') && firstLoad.has(file)) entryJs += gz(content);
  else if (file.endsWith('.js')) lazyJs += gz(content);
}
// Chart.js's full UMD bundle, the size an app pays without tree-shaking it.
const chartUmd = gz(
  readFileSync(new URL('../node_modules/chart.js/dist/chart.umd.min.js', import.meta.url)),
);

const rows = [
  {
    name: 'console JavaScript (gzip, first load)',
    value: entryJs,
    unit: 'KiB',
    baseline: 'budget',
    baselineValue: 120,
    ratio: entryJs / 120,
    target: '<= 120 KiB',
    pass: entryJs <= 120,
  },
  {
    name: 'console CSS (gzip)',
    value: css,
    unit: 'KiB',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: '<= 20 KiB',
    pass: css <= 20,
  },
  {
    name: 'pages loaded on demand: analytics, playground (gzip)',
    value: lazyJs,
    unit: 'KiB',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: null,
    pass: null,
  },
  {
    name: 'audio worklets (gzip, loaded on first call)',
    value: workletJs,
    unit: 'KiB',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: null,
    pass: null,
  },
  {
    name: 'Chart.js full bundle for comparison (gzip)',
    value: chartUmd,
    unit: 'KiB',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: null,
    pass: null,
  },
];
for (const row of rows)
  console.log(
    `${row.name.padEnd(48)}${row.value.toFixed(1).padStart(8)} ${row.unit}${row.target ? `  (target ${row.target}: ${row.pass ? 'pass' : 'FAIL'})` : ''}`,
  );
writeFileSync(
  new URL('../bench-results.json', import.meta.url),
  `${JSON.stringify({ package: '@parley/admin', rows }, null, 2)}\n`,
);
