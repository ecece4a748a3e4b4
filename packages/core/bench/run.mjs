#!/usr/bin/env node
// Runs every bench/*.bench.mjs (each exports `async run()` returning rows), prints one table and
// writes bench-results.json for the root `pnpm bench` aggregator. Benchmarks import the built
// dist/, so run `pnpm build` first (turbo does). Figures vary with machine load; the ratios,
// measured against baselines in the same run, are what to compare.
import { readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv[2];
const files = readdirSync(benchDir)
  .filter((file) => file.endsWith('.bench.mjs') && (!only || file.includes(only)))
  .sort();

const rows = [];
const failures = [];
for (const file of files) {
  const started = performance.now();
  try {
    const module = await import(pathToFileURL(`${benchDir}${file}`).href);
    if (typeof module.run !== 'function') {
      console.warn(`${file}: no run() export, skipped`);
      continue;
    }
    const produced = await module.run();
    rows.push(...produced);
    console.error(
      `${file}: ${produced.length} rows in ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    // One broken benchmark must not hide the others' figures; the run still fails at the end.
    failures.push(file);
    console.error(`${file}: FAILED`, error);
  }
}

const format = (value) =>
  value === null || value === undefined
    ? '—'
    : typeof value === 'number'
      ? value >= 100
        ? Math.round(value).toLocaleString('en-US')
        : value.toFixed(2)
      : String(value);

const table = rows.map((row) => [
  row.name,
  `${format(row.value)} ${row.unit}`,
  row.baseline ? `${row.baseline}: ${format(row.baselineValue)}` : '—',
  row.ratio === null || row.ratio === undefined ? '—' : `${row.ratio.toFixed(2)}×`,
  row.target ?? '—',
  row.pass === null || row.pass === undefined ? '—' : row.pass ? 'pass' : 'FAIL',
]);
const header = ['benchmark', 'value', 'baseline', 'ratio', 'target', ''];
const widths = header.map((title, column) =>
  Math.max(title.length, ...table.map((line) => line[column].length)),
);
const print = (line) =>
  console.log(
    line
      .map((cell, column) => cell.padEnd(widths[column]))
      .join('  ')
      .trimEnd(),
  );
print(header);
print(widths.map((width) => '-'.repeat(width)));
table.forEach(print);

const output = fileURLToPath(new URL('../bench-results.json', import.meta.url));
writeFileSync(output, `${JSON.stringify({ package: '@parley/core', rows }, null, 2)}\n`);
console.error(`wrote ${output}`);
if (failures.length > 0) {
  console.error(`failed: ${failures.join(', ')}`);
  process.exitCode = 1;
}
