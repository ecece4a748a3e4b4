// Load benchmark: concurrent sessions, each streaming 24 kHz PCM16 in real time (20 ms frames) with
// server VAD, getting a turn detected every ~7 s and a reply streamed back as paced speech.
// Reports the most sessions held with event latency p99 under 50 ms, and the emulator's CPU and
// memory per session. The emulator runs in a child process; this process is the load generator.
import { fork } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { WebSocket } from 'ws';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const LEVELS = (process.env.BENCH_LEVELS ?? '50,100,200,300').split(',').map(Number);
const WARMUP_MS = Number(process.env.BENCH_WARMUP_MS ?? 6000);
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 20000);
const FRAME_MS = 20;
const P99_TARGET_MS = 50;

function readWav(path) {
  const file = readFileSync(path);
  let offset = 12;
  while (offset + 8 <= file.length) {
    const size = file.readUInt32LE(offset + 4);
    if (file.toString('latin1', offset, offset + 4) === 'data')
      return file.subarray(offset + 8, offset + 8 + size);
    offset += 8 + size + (size % 2);
  }
  throw new Error('no data chunk');
}

// One turn: the fixture sentence (0.5 s silence, ~2.3 s speech, 1 s silence) then 3 s of silence.
const speech = readWav(here('../test/__fixtures__/speech-24k.wav'));
const loop = Buffer.concat([speech, Buffer.alloc(24000 * 2 * 3)]);
const frameBytes = (24000 * 2 * FRAME_MS) / 1000;
const frames = [];
for (let offset = 0; offset + frameBytes <= loop.length; offset += frameBytes) {
  frames.push(
    JSON.stringify({
      type: 'input_audio_buffer.append',
      audio: loop.subarray(offset, offset + frameBytes).toString('base64'),
    }),
  );
}

function percentile(values, p) {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const child = fork(here('./emulator-child.mjs'), {
  execArgv: process.env.BENCH_PROFILE ? ['--cpu-prof', '--cpu-prof-dir=/tmp/c-inspect/prof'] : [],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const ready = await new Promise((resolve) => child.once('message', resolve));
const url = `ws://127.0.0.1:${ready.port}/v1/realtime?model=gpt-realtime`;
function emulatorStats() {
  return new Promise((resolve) => {
    child.once('message', (message) => resolve(message.stats));
    child.send('stats');
  });
}

const sessions = [];
const baseline = await emulatorStats();
const sample = { vad: [], audio: [], errors: 0, closed: 0, turns: 0 };

function openSession() {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: { authorization: 'Bearer sk-bench' },
      perMessageDeflate: false,
    });
    const session = {
      socket,
      sent: 0,
      start: 0,
      sendTimes: new Float64Array(4096),
      phase: Math.floor(Math.random() * frames.length),
      firstDelta: 0,
      audioMs: 0,
    };
    socket.on('open', () => {
      session.start = performance.now();
      sessions.push(session);
      resolve(session);
    });
    socket.on('error', reject);
    socket.on('close', () => sample.closed++);
    socket.on('message', (data) => {
      const now = performance.now();
      const event = JSON.parse(data);
      switch (event.type) {
        case 'input_audio_buffer.speech_stopped': {
          // The frame that completed the silence window was sent at a known time.
          const frame = Math.max(0, Math.ceil(event.audio_end_ms / FRAME_MS) - 1);
          sample.vad.push(now - session.sendTimes[frame % 4096]);
          break;
        }
        case 'response.created':
          session.firstDelta = 0;
          session.audioMs = 0;
          sample.turns++;
          break;
        case 'response.output_audio.delta': {
          const ms = (event.delta.length * 3) / 4 / 48;
          if (session.firstDelta === 0) session.firstDelta = now;
          else sample.audio.push(Math.max(0, now - (session.firstDelta + session.audioMs)));
          session.audioMs += ms;
          break;
        }
        case 'error':
          sample.errors++;
          break;
      }
    });
  });
}

// Sends every session's due frames; the schedule is absolute, so a late tick catches up.
const pump = setInterval(() => {
  const now = performance.now();
  for (const session of sessions) {
    const due = Math.floor((now - session.start) / FRAME_MS) + 1;
    while (session.sent < due && session.socket.readyState === WebSocket.OPEN) {
      session.sendTimes[session.sent % 4096] = now;
      session.socket.send(frames[(session.phase + session.sent) % frames.length]);
      session.sent++;
    }
  }
}, 5);

const results = [];
for (const level of LEVELS) {
  while (sessions.length < level) {
    const batch = Math.min(20, level - sessions.length);
    await Promise.all(Array.from({ length: batch }, () => openSession()));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, WARMUP_MS));
  Object.assign(sample, { vad: [], audio: [], errors: 0, closed: 0, turns: 0 });
  const before = await emulatorStats();
  const generatorBefore = process.cpuUsage();
  await new Promise((resolve) => setTimeout(resolve, MEASURE_MS));
  const after = await emulatorStats();
  const generatorCpu = process.cpuUsage(generatorBefore);
  const elapsedMs = after.at - before.at;
  const cpuMs = (after.cpu.user + after.cpu.system - before.cpu.user - before.cpu.system) / 1000;
  const row = {
    sessions: level,
    connected: after.connections,
    turns: sample.turns,
    vadP50: percentile(sample.vad, 50),
    vadP99: percentile(sample.vad, 99),
    audioP99: percentile(sample.audio, 99),
    errors: sample.errors,
    closed: sample.closed,
    cpuCorePct: (cpuMs / elapsedMs) * 100,
    generatorCpuPct: ((generatorCpu.user + generatorCpu.system) / 1000 / elapsedMs) * 100,
    rssMb: after.memory.rss / 1e6,
    emulatorLoopDelayP99: after.loopDelayP99Ms,
    heapMb: after.memory.heapUsed / 1e6,
  };
  row.p99 = Math.max(row.vadP99, row.audioP99);
  row.held =
    row.connected === level && row.errors === 0 && row.closed === 0 && row.p99 < P99_TARGET_MS;
  results.push(row);
  console.log(
    `${String(level).padStart(4)} sessions  turns ${String(row.turns).padStart(4)}  VAD p50/p99 ${row.vadP50.toFixed(1)}/${row.vadP99.toFixed(1)} ms  audio p99 ${row.audioP99.toFixed(1)} ms  emulator loop delay p99 ${row.emulatorLoopDelayP99.toFixed(1)} ms  emulator CPU ${row.cpuCorePct.toFixed(0)}% of a core (load generator ${row.generatorCpuPct.toFixed(0)}%)  RSS ${row.rssMb.toFixed(0)} MB  ${row.held ? 'held' : 'NOT held'}`,
  );
  // Keep going to the 200-session target even when the machine is contended, so CPU and memory
  // per session are measured where they matter; stop beyond it once latency is far off.
  if (!row.held && level >= 200 && row.p99 > P99_TARGET_MS * 4) break;
}

clearInterval(pump);
for (const session of sessions) session.socket.close();
child.send('close');

const idle = results[0];
const held = results.filter((row) => row.held);
const best = held[held.length - 1];
const baseRssMb = baseline.memory.rss / 1e6;
const perSession = (row) => ({
  cpu: row.cpuCorePct / row.sessions,
  memory: (row.rssMb - baseRssMb) / row.sessions,
});
const top = best ?? results[results.length - 1];
// On a contended machine the emulator is starved of CPU and latency says more about the
// neighbours than about the emulator; the CPU it used per session where it was least starved
// bounds what two idle cores could hold.
const leastStarved = [...results].sort(
  (a, b) => a.emulatorLoopDelayP99 - b.emulatorLoopDelayP99,
)[0];
const capacityEstimate = Math.floor(200 / perSession(leastStarved).cpu);
const rows = [
  {
    name: 'sessions held (event latency p99 < 50 ms)',
    value: best?.sessions ?? 0,
    unit: 'sessions',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: '>= 200',
    pass: (best?.sessions ?? 0) >= 200,
  },
  {
    name: `event latency p99 at ${top.sessions} sessions`,
    value: Number(top.p99.toFixed(2)),
    unit: 'ms',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: '< 50',
    pass: top.p99 < 50,
  },
  {
    name: `emulator event-loop delay p99 at ${top.sessions} sessions`,
    value: Number(top.emulatorLoopDelayP99.toFixed(2)),
    unit: 'ms',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: null,
    pass: null,
  },
  {
    name: `emulator CPU per session at ${top.sessions} sessions`,
    value: Number(perSession(top).cpu.toFixed(3)),
    unit: '% of a core',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: '<= 1 (200 sessions on 2 cores)',
    pass: perSession(top).cpu <= 1,
  },
  {
    name: `emulator memory per session at ${top.sessions} sessions`,
    value: Number(perSession(top).memory.toFixed(2)),
    unit: 'MB (RSS growth over the idle emulator)',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: null,
    pass: null,
  },
  {
    name: `CPU-bound capacity on 2 cores (from ${leastStarved.sessions} sessions, loop delay p99 ${leastStarved.emulatorLoopDelayP99.toFixed(0)} ms)`,
    value: capacityEstimate,
    unit: 'sessions (estimate)',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: '>= 200',
    pass: capacityEstimate >= 200,
  },
  {
    name: `emulator CPU at ${idle.sessions} sessions`,
    value: Number(idle.cpuCorePct.toFixed(1)),
    unit: '% of a core',
    baseline: null,
    baselineValue: null,
    ratio: null,
    target: null,
    pass: null,
  },
];
console.log('\n| metric | value | unit | target | pass |\n|---|---|---|---|---|');
for (const row of rows)
  console.log(
    `| ${row.name} | ${row.value} | ${row.unit} | ${row.target ?? ''} | ${row.pass ?? ''} |`,
  );
writeFileSync(
  here('../bench-results.json'),
  `${JSON.stringify({ package: '@parley/emulator', speechEngine: ready.speechEngine, idleRssMb: baseRssMb, levels: results, rows }, null, 2)}\n`,
);
process.exit(0);
