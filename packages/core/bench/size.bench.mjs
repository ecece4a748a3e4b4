// Size of core's browser build (esbuild bundle of dist/index.js, platform browser, minified,
// gzipped; `ws` external), against the budget that `pnpm build` enforces.
import { measureBrowserBundle } from '../scripts/check-size.mjs';

export async function run() {
  const size = await measureBrowserBundle();
  const kib = (bytes) => Number((bytes / 1024).toFixed(2));
  return [
    {
      name: 'core browser bundle (min+gzip)',
      value: kib(size.gzippedBytes),
      unit: 'KiB',
      baseline: 'budget',
      baselineValue: kib(size.budgetBytes),
      ratio: size.gzippedBytes / size.budgetBytes,
      target: '<= 1x budget',
      pass: size.gzippedBytes <= size.budgetBytes,
    },
    {
      name: 'core browser bundle (minified, not gzipped)',
      value: kib(size.minifiedBytes),
      unit: 'KiB',
      baseline: null,
      baselineValue: null,
      ratio: null,
      target: null,
      pass: null,
    },
  ];
}
