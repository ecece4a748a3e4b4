// Bundle sizes (esbuild, platform browser, minified, gzipped, what loads up front; see
// scripts/check-size.mjs): core's entry against its budget and against the previous core (the zod
// parser, rebuilt from git in the same run), and what a React app ships for voice (core +
// audio-worklets + react, React excluded; packages/react/scripts/check-size.mjs) against its
// budget. Needs the react and audio-worklets builds (`pnpm build` makes them).
import { measureBrowserBundle } from '../scripts/check-size.mjs';
import { previousCommit, previousEntry } from './previous-parser.mjs';

const kib = (bytes) => Number((bytes / 1024).toFixed(2));

export async function run() {
  const size = await measureBrowserBundle();
  const rows = [
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
  ];
  const previous = previousEntry();
  if (previous !== null) {
    const before = await measureBrowserBundle(previous, {
      nodePaths: [new URL('../node_modules', import.meta.url).pathname],
    });
    rows.push({
      name: 'core browser bundle vs the previous core (min+gzip)',
      value: kib(size.gzippedBytes),
      unit: 'KiB',
      baseline: `core of ${previousCommit}`,
      baselineValue: kib(before.gzippedBytes),
      ratio: size.gzippedBytes / before.gzippedBytes,
      target: 'smaller',
      pass: size.gzippedBytes < before.gzippedBytes,
    });
  }
  const { measureVoiceBundle, voiceBudgetBytes } =
    await import('../../react/scripts/check-size.mjs');
  const voice = await measureVoiceBundle();
  rows.push({
    name: 'core + audio-worklets + react, React excluded (min+gzip)',
    value: kib(voice.gzippedBytes),
    unit: 'KiB',
    baseline: 'budget',
    baselineValue: kib(voiceBudgetBytes),
    ratio: voice.gzippedBytes / voiceBudgetBytes,
    target: '<= 1x budget (40 KiB; aim 25)',
    pass: voice.gzippedBytes <= voiceBudgetBytes,
  });
  return rows;
}
