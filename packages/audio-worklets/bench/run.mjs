// Benchmarks of @parley/audio-worklets in Chromium, one run, Parley's worklets side by side with
// the seeds' approach (ScriptProcessorNode(4096) capture in a 24 kHz context; one
// AudioBufferSourceNode per chunk). Uses the built dist/ (turbo builds first). Prints a table and
// writes bench-results.json. ratio = Parley / seeds (below 1 is better for times).
import { build } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import * as playwright from 'playwright-core';
import { launchChromium } from '../../../scripts/chromium.mjs';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const read = (path) => readFileSync(new URL(path, new URL('../', import.meta.url)), 'utf8');

const page = await build({
  absWorkingDir: packageDir,
  entryPoints: ['bench/page.js'],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'warning',
});
const assets = new Map([
  ['/', '<!doctype html><html><body><script type="module" src="/main.js"></script></body></html>'],
  ['/main.js', page.outputFiles[0].text],
  ['/worklets/capture.js', read('dist/worklets/capture.js')],
  ['/worklets/playback.js', read('dist/worklets/playback.js')],
  ['/bench/probe.js', read('bench/probe-worklet.js')],
]);
const server = createServer((request, response) => {
  const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
  const body = assets.get(path);
  if (body === undefined) return response.writeHead(path === '/favicon.ico' ? 204 : 404).end();
  response.writeHead(200, {
    'content-type': path === '/' ? 'text/html' : 'text/javascript',
    'content-security-policy': "default-src 'self'",
  });
  response.end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/`;

const browser = await launchChromium(playwright);
let rows;
try {
  const tab = await browser.newPage();
  await tab.goto(url);
  await tab.waitForFunction(() => 'parleyBench' in window);
  const run = async (name, options = {}) => {
    const started = Date.now();
    const result = await tab.evaluate(
      ([fn, opts]) => window.parleyBench[fn](opts),
      [name, options],
    );
    console.error(
      `${name} ${JSON.stringify(options)}: ${JSON.stringify(result)} (${Date.now() - started} ms)`,
    );
    return result;
  };
  const captureParley = await run('captureLatencyParley', { pulses: 25, contextRate: 48000 });
  const reference48 = await run('captureLatencyReference', { pulses: 25, contextRate: 48000 });
  const captureSeeds = await run('captureLatencySeeds', { pulses: 25 });
  const reference24 = await run('captureLatencyReference', { pulses: 25, contextRate: 24000 });
  const playbackParley = await run('playbackParley', { rounds: 10, prerollMs: 40 });
  const playbackParleyNoPreroll = await run('playbackParley', { rounds: 10, prerollMs: 0 });
  const playbackSeeds = await run('playbackSeeds', { rounds: 10 });
  const captureCpu = await run('captureCpu', { seconds: 60 });
  const playbackCpu = await run('playbackCpu', { seconds: 60 });
  if (captureParley.pulses < 20 || captureSeeds.pulses < 20) {
    throw new Error(
      `too few pulses detected: parley ${captureParley.pulses}, seeds ${captureSeeds.pulses}`,
    );
  }
  if (playbackCpu.parleyRenderedSeconds < 59) {
    throw new Error(
      `the playback worklet rendered only ${playbackCpu.parleyRenderedSeconds} s of 60`,
    );
  }
  const row = (name, value, unit, baselineValue, target = null, pass = null) => ({
    name,
    value: round(value),
    unit,
    baseline: "seeds' approach",
    baselineValue: round(baselineValue),
    ratio: round(value / baselineValue, 3),
    target,
    pass,
  });
  // What the capture stage adds: the oldest sample's latency minus that of a worklet handing each
  // render quantum over at once (which carries the browser's render-callback granularity and the
  // message hop every worklet capture pays), measured at the same context rate.
  const addedParley = captureParley.oldestMs - reference48.sampleMs;
  const addedSeeds = captureSeeds.oldestMs - reference24.sampleMs;
  rows = [
    row(
      'capture latency added by capture, 20 ms frames (over an immediate worklet tap)',
      addedParley,
      'ms',
      addedSeeds,
      '<= 25 ms',
      addedParley <= 25,
    ),
    row(
      'capture latency, oldest sample of a frame (pulse -> frame on main thread)',
      captureParley.oldestMs,
      'ms',
      captureSeeds.oldestMs,
    ),
    row(
      'capture latency, worst frame',
      captureParley.worstOldestMs,
      'ms',
      captureSeeds.worstOldestMs,
    ),
    row('capture latency, mean over samples', captureParley.sampleMs, 'ms', captureSeeds.sampleMs),
    row(
      'playback start latency, 40 ms pre-roll (chunk in -> rendered)',
      playbackParley.startMs,
      'ms',
      playbackSeeds.startMs,
    ),
    row(
      'playback start latency, no pre-roll',
      playbackParleyNoPreroll.startMs,
      'ms',
      playbackSeeds.startMs,
    ),
    row(
      'flush latency (flush() -> output silent)',
      playbackParley.flushMs,
      'ms',
      playbackSeeds.flushMs,
    ),
    row(
      'capture CPU per second of audio',
      captureCpu.parleyMsPerSecond,
      'ms/s',
      captureCpu.seedsMsPerSecond,
    ),
    row(
      'playback CPU per second of audio (48 kHz)',
      playbackCpu.parleyMsPerSecond,
      'ms/s',
      playbackCpu.seedsMsPerSecond,
    ),
  ];
} finally {
  await browser.close();
  server.close();
}

function round(value, digits = 2) {
  return Number.isFinite(value) ? Number(value.toFixed(digits)) : null;
}

const table = [
  ['benchmark', 'parley', "seeds' approach", 'ratio', 'target', 'pass'],
  ...rows.map((entry) => [
    entry.name,
    `${entry.value} ${entry.unit}`,
    `${entry.baselineValue} ${entry.unit}`,
    String(entry.ratio),
    entry.target ?? '',
    entry.pass === null ? '' : entry.pass ? 'yes' : 'NO',
  ]),
];
const widths = table[0].map((_, column) => Math.max(...table.map((line) => line[column].length)));
for (const line of table)
  console.log(line.map((cell, column) => cell.padEnd(widths[column])).join('  '));
writeFileSync(
  new URL('../bench-results.json', import.meta.url),
  `${JSON.stringify({ package: '@parley/audio-worklets', rows }, null, 2)}\n`,
);
