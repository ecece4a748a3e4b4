// `pnpm bench`: runs every package's benchmarks (one package at a time, so they do not disturb each
// other) and prints one table of figures and ratios from the bench-results.json files they write.
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { root, runPnpm, say } from './bootstrap.mjs';
import { findChromium } from './chromium.mjs';

const dirs = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(root, group, entry.name)),
);
for (const dir of dirs) rmSync(join(dir, 'bench-results.json'), { force: true });

const chromium = findChromium();
const code = await runPnpm(
  ['turbo', 'run', 'bench', '--concurrency=1', '--continue', ...process.argv.slice(2)],
  {
    env: chromium ? { CHROME_PATH: chromium } : {},
  },
);

const format = (value) =>
  value === null || value === undefined
    ? ''
    : typeof value === 'number'
      ? Math.abs(value) >= 100
        ? value.toFixed(0)
        : value.toPrecision(3)
      : String(value);

const table = [
  [
    'package',
    'benchmark',
    'value',
    'unit',
    'baseline',
    'baseline value',
    'ratio',
    'target',
    'pass',
  ],
];
for (const dir of dirs) {
  const file = join(dir, 'bench-results.json');
  if (!existsSync(file)) continue;
  const result = JSON.parse(readFileSync(file, 'utf8'));
  for (const row of result.rows ?? []) {
    table.push([
      result.package,
      row.name,
      format(row.value),
      row.unit ?? '',
      row.baseline ?? '',
      format(row.baselineValue),
      row.ratio === null || row.ratio === undefined ? '' : `${format(row.ratio)}x`,
      row.target ?? '',
      row.pass === true ? 'yes' : row.pass === false ? 'NO' : '',
    ]);
  }
}
const widths = table[0].map((_, column) =>
  Math.max(...table.map((row) => String(row[column]).length)),
);
say('benchmark summary');
for (const [index, row] of table.entries()) {
  console.log(row.map((cell, column) => String(cell).padEnd(widths[column])).join('  '));
  if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
}
process.exit(code);
