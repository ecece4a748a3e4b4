// Benchmarks of @parley/server (run after build: `pnpm --filter @parley/server bench`).
//  1. Relay added latency per event: round trips (input_audio_buffer.clear → .cleared) through
//     the relay vs straight to the emulator, in the same run.
//  2. Concurrent relayed sessions streaming real-time audio (20 ms frames at 50 per second) with
//     latency probes, against the same number of direct connections.
//  3. Server start time and idle RSS of the CLI on the embedded SQLite default.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const apiKey = 'fake-key-bench-key-not-secret-000000';
const rows = [];
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;

function row(name, value, unit, extra = {}) {
  rows.push({
    name,
    value: round(value),
    unit,
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: null,
    pass: null,
    ...extra,
  });
}

/** A connection that can measure clear → cleared round trips. */
function openClient(url, protocols, headers) {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, protocols, { headers, perMessageDeflate: false });
    let waiting = null;
    let ready = false;
    let onReady;
    const readyPromise = new Promise((r) => (onReady = r));
    socket.on('message', (data) => {
      const text = data.toString();
      if (
        !ready &&
        (text.includes('"session.updated"') ||
          (text.includes('"session.created"') &&
            !protocols.some((p) => p.startsWith('parley-ticket.'))))
      ) {
        ready = true;
        onReady();
      }
      if (waiting && text.includes('"input_audio_buffer.cleared"')) {
        const done = waiting;
        waiting = null;
        done(performance.now());
      }
    });
    socket.once('error', reject);
    socket.once('open', () =>
      resolve({
        socket,
        ready: readyPromise,
        probe() {
          return new Promise((resolveProbe) => {
            const sent = performance.now();
            waiting = (at) => resolveProbe(at - sent);
            socket.send('{"type":"input_audio_buffer.clear"}');
          });
        },
        close: () => socket.terminate(),
      }),
    );
  });
}

async function relayClient(relay) {
  const response = await fetch(`${relay.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId: relay.agentId }),
  });
  const session = await response.json();
  const client = await openClient(session.url, ['realtime', `parley-ticket.${session.ticket}`]);
  await client.ready;
  return client;
}

async function directClient(emulator) {
  const client = await openClient(`${emulator.url}?model=gpt-realtime`, [], {
    authorization: `Bearer ${apiKey}`,
  });
  await client.ready;
  // Same session shape as the relay would set: no VAD, so streamed audio only fills the buffer.
  client.socket.send(
    JSON.stringify({
      type: 'session.update',
      session: { type: 'realtime', audio: { input: { turn_detection: null } } },
    }),
  );
  return client;
}

function startChild(script, args) {
  return new Promise((resolve, reject) => {
    // BENCH_PROFILE=<dir> writes a CPU profile of the Parley server process there.
    const profile =
      process.env.BENCH_PROFILE && script.includes('relay')
        ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`]
        : [];
    const child = spawn(process.execPath, [...profile, join(packageDir, script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk.toString();
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n')) resolve({ child, ...JSON.parse(line) });
    });
    child.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
  });
}

async function idleLatency(emulator, relay) {
  const probes = 400;
  const direct = await directClient(emulator);
  const relayed = await relayClient(relay);
  for (let i = 0; i < 50; i += 1) {
    await direct.probe();
    await relayed.probe();
  }
  const directTimes = [];
  const relayTimes = [];
  for (let i = 0; i < probes; i += 1) {
    directTimes.push(await direct.probe());
    relayTimes.push(await relayed.probe());
  }
  direct.close();
  relayed.close();
  const d50 = percentile(directTimes, 50);
  const d99 = percentile(directTimes, 99);
  const r50 = percentile(relayTimes, 50);
  const r99 = percentile(relayTimes, 99);
  console.log(
    `idle round trip: direct p50 ${d50.toFixed(3)} ms p99 ${d99.toFixed(3)} ms; relay p50 ${r50.toFixed(3)} ms p99 ${r99.toFixed(3)} ms`,
  );
  row('relay round trip per event p50 (idle)', r50, 'ms', {
    baseline: 'direct emulator connection',
    baselineValue: round(d50, 3),
    ratio: round(r50 / d50),
  });
  row('relay round trip per event p99 (idle)', r99, 'ms', {
    baseline: 'direct emulator connection',
    baselineValue: round(d99, 3),
    ratio: round(r99 / d99),
  });
  row('relay added latency per event p50 (idle)', r50 - d50, 'ms', {
    baseline: 'direct emulator connection',
    baselineValue: 0,
    target: '< 5 ms',
    pass: r50 - d50 < 5,
  });
  row('relay added latency per event p99 (idle)', r99 - d99, 'ms', {
    baseline: 'direct emulator connection',
    baselineValue: 0,
    target: '< 5 ms',
    pass: r99 - d99 < 5,
  });
}

/** N sessions each streaming 20 ms PCM16 frames in real time for `seconds`, probed every 250 ms. */
async function streamLoad(count, open, seconds) {
  const clients = [];
  for (let i = 0; i < count; i += 1) clients.push(await open());
  const frame = JSON.stringify({
    type: 'input_audio_buffer.append',
    audio: Buffer.alloc(960).toString('base64'),
  });
  const samples = [];
  let running = true;
  let lateTicks = 0;
  const started = performance.now();
  let tick = 0;
  const streamer = (async () => {
    while (running) {
      tick += 1;
      for (const client of clients)
        if (client.socket.readyState === WebSocket.OPEN) client.socket.send(frame);
      const next = started + tick * 20;
      const wait = next - performance.now();
      if (wait < -20) lateTicks += 1;
      await sleep(Math.max(0, wait));
    }
  })();
  await sleep(1000);
  const end = performance.now() + seconds * 1000;
  let index = 0;
  while (performance.now() < end) {
    const batch = clients.slice(index, index + Math.max(1, Math.floor(count / 10)));
    index = (index + batch.length) % clients.length;
    const times = await Promise.all(batch.map((client) => client.probe()));
    samples.push(...times);
    await sleep(50);
  }
  running = false;
  await streamer;
  for (const client of clients) client.close();
  await sleep(300);
  return {
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    probes: samples.length,
    lateTicks,
  };
}

async function concurrency(emulator, relay) {
  const levels = [50, 100, 200];
  let best = 0;
  for (const count of levels) {
    const direct = await streamLoad(count, () => directClient(emulator), 5);
    const relayed = await streamLoad(count, () => relayClient(relay), 5);
    const added = relayed.p99 - direct.p99;
    console.log(
      `${count} streaming sessions: direct p99 ${direct.p99.toFixed(2)} ms, relay p99 ${relayed.p99.toFixed(2)} ms (added ${added.toFixed(2)} ms; ${relayed.probes} probes; late ticks ${relayed.lateTicks})`,
    );
    row(`relay added latency p99 with ${count} sessions streaming audio`, added, 'ms', {
      baseline: `${count} direct emulator connections`,
      baselineValue: round(direct.p99),
      target: '< 5 ms',
      pass: added < 5,
    });
    if (added < 5) best = count;
  }
  row(
    'concurrent relayed sessions streaming real-time audio with p99 added < 5 ms',
    best,
    'sessions',
    {
      target: '>= 200',
      pass: best >= 200,
    },
  );
}

function rssOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function startCli(env) {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-cli-'));
  const started = performance.now();
  const child = spawn(process.execPath, [join(packageDir, 'dist/cli.js')], {
    env: {
      ...process.env,
      PORT: '0',
      PARLEY_DATA_DIR: dataDir,
      PARLEY_ADMIN_PASSWORD: 'bench-admin-password',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk.toString();
      if (output.includes('Parley is running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`cli exited (${code}): ${output}`)));
  });
  const wall = performance.now() - started;
  // The CLI reports performance.now() at listening: milliseconds since its process started.
  const internal = Number(/ready in (\d+) ms/.exec(output)?.[1] ?? NaN);
  return { child, wall, internal, dataDir };
}

async function stopCli({ child, dataDir }) {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}

async function startup(emulator) {
  // First start creates and seeds the database; the second is a normal restart.
  const upstream = { OPENAI_API_KEY: apiKey, OPENAI_BASE_URL: `${emulator.httpUrl}/v1` };
  const first = await startCli(upstream);
  await stopCli(first);
  const times = [];
  let rss = NaN;
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-cli-'));
  for (let i = 0; i < 4; i += 1) {
    const started = await startCli({ ...upstream, PARLEY_DATA_DIR: dataDir });
    times.push(started);
    if (i === 3) {
      await sleep(2000);
      rss = rssOf(started.child.pid);
    }
    started.child.kill('SIGTERM');
    await new Promise((resolve) => started.child.once('exit', resolve));
    rmSync(started.dataDir, { recursive: true, force: true });
  }
  rmSync(dataDir, { recursive: true, force: true });
  const restartWall = percentile(
    times.slice(1).map((t) => t.wall),
    50,
  );
  const restartInternal = percentile(
    times.slice(1).map((t) => t.internal),
    50,
  );
  const withEmulator = await startCli({ OPENAI_API_KEY: '', OPENAI_BASE_URL: '' });
  await sleep(1000);
  const emulatorRss = rssOf(withEmulator.child.pid);
  await stopCli(withEmulator);
  console.log(
    `start: first ${first.wall.toFixed(0)} ms (seeding), restart ${restartWall.toFixed(0)} ms wall / ${restartInternal} ms after node boot; idle RSS ${rss.toFixed(1)} MB; with in-process emulator: start ${withEmulator.wall.toFixed(0)} ms, RSS ${emulatorRss.toFixed(1)} MB`,
  );
  row('server start time, process start to listening (SQLite, restart)', restartInternal, 'ms', {
    target: '< 1000 ms',
    pass: restartInternal < 1000,
  });
  row('server start time, spawn to ready line (SQLite, restart)', restartWall, 'ms');
  row('server start time, first start with migrations and template seeding', first.internal, 'ms', {
    target: '< 1000 ms',
    pass: first.internal < 1000,
  });
  row('server start time with the in-process emulator (no key)', withEmulator.wall, 'ms');
  row('idle RSS (SQLite, external upstream)', rss, 'MB', { target: '< 150 MB', pass: rss < 150 });
  row('idle RSS with the in-process emulator', emulatorRss, 'MB', {
    target: '< 150 MB',
    pass: emulatorRss < 150,
  });
}

// Three processes: this one generates load, one runs the emulator, one runs the Parley server.
const emulator = await startChild('bench/emulator-child.mjs', [apiKey]);
const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'));
const relay = await startChild('bench/relay-child.mjs', [emulator.httpUrl, apiKey, dataDir]);
if (process.env.BENCH_DIAG) {
  const cpu = (pid) =>
    readFileSync(`/proc/${pid}/stat`, 'utf8')
      .split(' ')
      .slice(13, 15)
      .map(Number)
      .reduce((a, b) => a + b, 0) * 10;
  const c0 = cpu(relay.child.pid);
  const p0 = process.cpuUsage();
  const result = await streamLoad(Number(process.env.BENCH_DIAG), () => relayClient(relay), 5);
  const p1 = process.cpuUsage(p0);
  console.log(
    result,
    'relay cpu ms',
    cpu(relay.child.pid) - c0,
    'bench cpu ms',
    (p1.user + p1.system) / 1000,
  );
  const p2 = process.cpuUsage();
  const direct = await streamLoad(Number(process.env.BENCH_DIAG), () => directClient(emulator), 5);
  const p3 = process.cpuUsage(p2);
  console.log(direct, 'bench cpu ms (direct)', (p3.user + p3.system) / 1000);
  relay.child.kill('SIGTERM');
  emulator.child.kill('SIGTERM');
  process.exit(0);
}
try {
  await idleLatency(emulator, relay);
  await concurrency(emulator, relay);
  await startup(emulator);
} finally {
  for (const { child } of [relay, emulator]) {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
  }
  rmSync(dataDir, { recursive: true, force: true });
}

row(
  'machine load average (1 min) at the end of the run',
  loadavg()[0],
  `runnable tasks on ${cpus().length} cores`,
);
console.log('');
console.table(
  rows.map((r) => ({
    name: r.name,
    value: `${r.value} ${r.unit}`,
    baseline: r.baselineValue,
    target: r.target,
    pass: r.pass,
  })),
);
writeFileSync(
  join(packageDir, 'bench-results.json'),
  JSON.stringify({ package: '@parley/server', rows }, null, 2) + '\n',
);
