// Server CPU and memory per session (issues 16 and 17), run by bench/run.mjs (or alone:
// BENCH_ONLY=session-cpu; BENCH_ONLY=live or BENCH_SESSION_CPU=live for part 1 alone,
// BENCH_SESSION_CPU=sideband for part 2 alone). The Parley server runs in a process of its own
// (bench/session-cpu-server.mjs, with --expose-gc) and reports its own process.cpuUsage() and
// memory over IPC; the emulator, this load generator and the WebRTC peers
// (bench/webrtc-peers-child.mjs) run in other processes, so the figures are the server's alone.
//  1. GPT-Live against Realtime relayed sessions, 20 and 50 of each open at once: every session
//     streams 20 ms PCM16 frames in real time (50 a second, each at its own phase) and asks a
//     typed question every 3 s, so audio flows both ways (Live's output audio is continuous,
//     zero-filled while the model is quiet; Realtime's comes with each answer). The two sets take
//     turns streaming in alternating 3 s blocks, so the machine's other load falls on both alike.
//  2. WebRTC sideband against relay at 50, 100 and 200 Realtime sessions: the same relayed
//     sessions against as many calls placed through POST /api/calls by werift peers that stream
//     a silent microphone over RTP and ask the same question over the data channel; the server
//     holds only the sideband WebSocket of each call. Alternating blocks again; memory is the
//     server's RSS and live heap (after a collection) growth while each set is opened.
// CPU per session-second = the server's CPU time in the blocks where a set streamed ÷ (sessions
// × seconds). Sessions per core (CPU-bound estimate) = 1000 ms ÷ that figure: how many such
// sessions one core's worth of CPU time holds, ignoring latency targets and the kernel's share.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const round = (value, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
const BLOCK_MS = 3000;
const QUESTION_EVERY_MS = 3000;
const FRAME = Buffer.alloc(960).toString('base64'); // 20 ms of 24 kHz PCM16 silence

const protocols = {
  realtime: {
    agent: 'bench-realtime',
    ready: '"session.updated"',
    append: `{"type":"input_audio_buffer.append","audio":"${FRAME}"}`,
    itemType: 'conversation.item.create',
  },
  live: {
    agent: 'bench-live',
    ready: '"session.started"',
    append: `{"type":"session.input_audio.append","audio":"${FRAME}"}`,
    itemType: 'response.item.create',
  },
};

function child(script, args, flags = []) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...flags, join(packageDir, script), ...args], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
    });
    let buffer = '';
    proc.stdout.on('data', (chunk) => {
      buffer += chunk.toString();
      const line = buffer.split('\n')[0];
      if (buffer.includes('\n') && line.startsWith('{')) resolve({ proc, ...JSON.parse(line) });
    });
    proc.once('exit', (code) => reject(new Error(`${script} exited (${code})`)));
  });
}

/**
 * Sends a command to a bench child and resolves with its answer. A child that dies (the emulator
 * once did, see webrtc-peers-child.mjs) fails the run instead of leaving it waiting for ever.
 */
function ask(target, command) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no answer to ${JSON.stringify(command)}`)),
      command?.open ? 900_000 : 60_000,
    );
    target.proc.once('message', (answer) => {
      clearTimeout(timer);
      resolve(answer);
    });
    target.proc.send(command);
  });
}

/** One relayed browser session over WebSocket; counts the bytes it receives. */
async function openSession(server, kind) {
  const { agent, ready } = protocols[kind];
  const response = await fetch(`${server.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId: agent }),
  });
  const grant = await response.json();
  if (!grant.ticket) throw new Error(`no session: ${JSON.stringify(grant)}`);
  const socket = new WebSocket(grant.url, ['realtime', `parley-ticket.${grant.ticket}`], {
    perMessageDeflate: false,
  });
  const session = { socket, kind, received: 0, sent: 0 };
  await new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.on('message', (data) => {
      session.received += data.length;
      if (data.toString().includes(ready)) resolve();
    });
  });
  return session;
}

function question(session) {
  const item = { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'hello' }] };
  session.socket.send(JSON.stringify({ type: protocols[session.kind].itemType, item }));
  session.socket.send('{"type":"response.create"}');
}

/** Streams frames on `sessions` (each at its own 2 ms phase) and asks questions, until stopped. */
function stream(sessions) {
  let running = true;
  let tick = 0;
  const started = performance.now();
  const done = (async () => {
    while (running) {
      for (let i = tick % 10; i < sessions.length; i += 10) {
        const { socket, kind } = sessions[i];
        if (socket.readyState === WebSocket.OPEN) {
          socket.send(protocols[kind].append);
          sessions[i].sent += protocols[kind].append.length;
        }
      }
      // Questions spread evenly over the period, each session at its own phase.
      const slot = tick % (QUESTION_EVERY_MS / 2);
      for (let i = 0; i < sessions.length; i += 1)
        if (Math.floor((i * QUESTION_EVERY_MS) / 2 / sessions.length) === slot)
          question(sessions[i]);
      tick += 1;
      await sleep(Math.max(0, started + tick * 2 - performance.now()));
    }
  })();
  return async () => {
    running = false;
    await done;
  };
}

/** A set of sessions the blocks can start and stop, with a count of bytes delivered to it. */
function websocketSet(sessions) {
  let stop = null;
  return {
    size: () => sessions.length,
    start: async () => void (stop = stream(sessions)),
    stop: async () => stop?.(),
    received: async () => sessions.reduce((sum, s) => sum + s.received, 0),
    sent: async () => sessions.reduce((sum, s) => sum + s.sent, 0),
    close: async () => sessions.forEach((s) => s.socket.terminate()),
  };
}

function peerSet(peers, size) {
  let bytes = 0;
  return {
    size: () => size,
    start: () => ask(peers, 'stream'),
    stop: () => ask(peers, 'pause'),
    received: async () => (bytes += (await ask(peers, 'received')).bytes),
  };
}

/** A block in which nothing streams: the server's CPU for holding every open session. */
const idleSet = {
  size: () => 1,
  start: async () => undefined,
  stop: async () => undefined,
  received: async () => 0,
};

/** Set when the emulator exits during the run: its figures would mean nothing. */
let emulatorExit = null;

/** Alternating blocks: `sets` take turns streaming; the server's CPU is summed per set. */
async function alternate(server, sets, blocks) {
  const names = Object.keys(sets);
  const result = Object.fromEntries(names.map((n) => [n, { cpuMs: 0, ms: 0, bytes: 0, sent: 0 }]));
  for (let block = 0; block < blocks; block += 1) {
    const order = block % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const set = sets[name];
      await set.start();
      await sleep(300); // the first frames and answers of the block are not counted
      const bytes0 = await set.received();
      const sent0 = (await set.sent?.()) ?? 0;
      const before = await ask(server, 'usage');
      const t0 = performance.now();
      await sleep(BLOCK_MS);
      const after = await ask(server, 'usage');
      result[name].ms += performance.now() - t0;
      result[name].cpuMs += after.cpuMs - before.cpuMs;
      result[name].bytes += (await set.received()) - bytes0;
      result[name].sent += ((await set.sent?.()) ?? 0) - sent0;
      await set.stop();
      await sleep(200);
    }
  }
  if (emulatorExit) throw emulatorExit;
  return Object.fromEntries(
    names.map((name) => {
      const { cpuMs, ms, bytes, sent } = result[name];
      const sessionSeconds = (sets[name].size() * ms) / 1000;
      return [
        name,
        {
          perSessionSecond: cpuMs / sessionSeconds,
          coreShare: cpuMs / ms,
          bytesPerSessionSecond: bytes / sessionSeconds,
          // Server CPU per MB relayed (browser → upstream and back), for unequal traffic.
          cpuMsPerMb: cpuMs / ((bytes + sent) / 1e6),
        },
      ];
    }),
  );
}

async function memoryGrowth(server, open) {
  const before = await ask(server, 'usage');
  const opened = await open();
  await sleep(500);
  const after = await ask(server, 'usage');
  return {
    rss: after.rss - before.rss,
    heap: after.heapUsed + after.external - before.heapUsed - before.external,
    opened,
  };
}

async function openMany(count, open, parallel = 8) {
  const sessions = [];
  let left = count;
  const worker = async () => {
    while (left-- > 0) sessions.push(await open());
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return sessions;
}

const perCore = (perSessionSecond) => 1000 / perSessionSecond;
const f = (value, digits = 2) => value.toFixed(digits);

/** 1. GPT-Live against Realtime relayed sessions at `levels`, same run. */
async function liveAgainstRealtime({ row, server, levels, blocks }) {
  for (const count of levels) {
    const realtime = await openMany(count, () => openSession(server, 'realtime'));
    const live = await openMany(count, () => openSession(server, 'live'));
    const sets = { realtime: websocketSet(realtime), live: websocketSet(live), idle: idleSet };
    const figures = await alternate(server, sets, blocks);
    for (const set of [sets.realtime, sets.live]) await set.close();
    await sleep(500);
    const { realtime: r, live: l, idle } = figures;
    const ratio = l.perSessionSecond / r.perSessionSecond;
    const net = (x) => (1000 * (x.coreShare - idle.coreShare)) / count;
    console.log(
      `${count} Live + ${count} Realtime relayed sessions (streaming in turns): server CPU per session-second Live ${f(l.perSessionSecond, 3)} ms, Realtime ${f(r.perSessionSecond, 3)} ms (ratio ${f(ratio)}); above the idle blocks Live ${f(net(l), 3)} ms, Realtime ${f(net(r), 3)} ms (ratio ${f(net(l) / net(r))}); server CPU while streaming Live ${f(100 * l.coreShare, 1)} %, Realtime ${f(100 * r.coreShare, 1)} %, idle ${f(100 * idle.coreShare, 1)} % of a core; bytes to each browser per second Live ${f(l.bytesPerSessionSecond, 0)}, Realtime ${f(r.bytesPerSessionSecond, 0)}; server CPU per MB relayed (both ways) Live ${f(l.cpuMsPerMb)} ms, Realtime ${f(r.cpuMsPerMb)} ms (ratio ${f(l.cpuMsPerMb / r.cpuMsPerMb)}); load average ${f(loadavg()[0], 1)}`,
    );
    row(
      `relay CPU per GPT-Live session-second, ${count} sessions streaming`,
      l.perSessionSecond,
      'ms',
      {
        baseline: `Realtime session-second, ${count} sessions, same run`,
        baselineValue: round(r.perSessionSecond, 3),
        ratio: round(ratio),
      },
    );
    row(`relay CPU per MB relayed, GPT-Live, ${count} sessions streaming`, l.cpuMsPerMb, 'ms', {
      baseline: `Realtime, ${count} sessions, same run`,
      baselineValue: round(r.cpuMsPerMb),
      ratio: round(l.cpuMsPerMb / r.cpuMsPerMb),
    });
    row(
      `machine load average after the Live/Realtime blocks, ${count} sessions`,
      loadavg()[0],
      'runnable tasks',
    );
  }
}

/** 2. WebRTC sideband against relay at `levels` (cumulative: each level opens the difference). */
async function sidebandAgainstRelay({ row, server, levels, blocks }) {
  const peers = await child('bench/webrtc-peers-child.mjs', [server.url, 'bench-realtime']);
  peers.proc.on('error', () => undefined);
  // One call and one session first: the server loads its WebRTC and relay modules lazily, and
  // that should not count as the first level's memory per session.
  const relayed = [await openSession(server, 'realtime')];
  let calls = (await ask(peers, { open: 1 })).opened;
  try {
    for (const count of levels) {
      const relayGrowth = await memoryGrowth(server, () =>
        openMany(count - relayed.length, () => openSession(server, 'realtime')),
      );
      relayed.push(...relayGrowth.opened);
      const sideGrowth = await memoryGrowth(server, () => ask(peers, { open: count - calls }));
      if (sideGrowth.opened.failed > 0)
        console.log(`  ${sideGrowth.opened.failed} calls failed their handshake twice`);
      const added = sideGrowth.opened.opened - calls;
      calls = sideGrowth.opened.opened;
      const sets = { relay: websocketSet(relayed), sideband: peerSet(peers, calls), idle: idleSet };
      const { relay, sideband, idle } = await alternate(server, sets, blocks);
      const net = (x, n) => (1000 * (x.coreShare - idle.coreShare)) / n;
      const { rss } = await ask(server, 'usage');
      const mb = (bytes) => bytes / 2 ** 20;
      const kb = (bytes) => bytes / 1024;
      const relayGrowthKb = kb(relayGrowth.rss) / relayGrowth.opened.length;
      const sideGrowthKb = kb(sideGrowth.rss) / Math.max(1, added);
      console.log(
        `${count} relayed sessions and ${calls} WebRTC calls (streaming in turns): server CPU per session-second relay ${f(relay.perSessionSecond, 3)} ms, sideband ${f(sideband.perSessionSecond, 3)} ms (ratio ${f(relay.perSessionSecond / sideband.perSessionSecond, 1)}); above the idle blocks relay ${f(net(relay, count), 3)} ms, sideband ${f(net(sideband, calls), 3)} ms; relayed traffic ${f(relay.bytesPerSessionSecond / 1000, 1)} kB/s to each browser, ${f(relay.perSessionSecond / relay.cpuMsPerMb / 1e-3, 1)} kB/s both ways (real time: 64 kB/s in alone), server CPU per MB relayed ${f(relay.cpuMsPerMb)} ms; server CPU while streaming relay ${f(100 * relay.coreShare, 1)} %, sideband ${f(100 * sideband.coreShare, 1)} %, idle ${f(100 * idle.coreShare, 1)} % of a core; sessions per core (CPU-bound) relay ${f(perCore(relay.perSessionSecond), 0)}, sideband ${f(perCore(sideband.perSessionSecond), 0)}; server RSS growth per session opened relay ${f(relayGrowthKb, 0)} KiB, sideband ${f(sideGrowthKb, 0)} KiB (live heap + external ${f(kb(relayGrowth.heap) / relayGrowth.opened.length, 0)} / ${f(kb(sideGrowth.heap) / Math.max(1, added), 0)} KiB); server RSS ${f(mb(rss), 0)} MB; load average ${f(loadavg()[0], 1)}`,
      );
      const baseline = `relay mode, ${count} sessions streaming, same run`;
      row(
        `sideband: server CPU per call-second, ${calls} WebRTC calls`,
        sideband.perSessionSecond,
        'ms',
        {
          baseline,
          baselineValue: round(relay.perSessionSecond, 3),
          ratio: round(sideband.perSessionSecond / relay.perSessionSecond, 3),
        },
      );
      row(
        `sideband: sessions per core (CPU-bound), ${count} calls`,
        perCore(sideband.perSessionSecond),
        'sessions',
        {
          baseline,
          baselineValue: round(perCore(relay.perSessionSecond), 0),
          ratio: round(relay.perSessionSecond / sideband.perSessionSecond, 1),
        },
      );
      row(`sideband: server RSS growth per call, to ${calls} calls`, sideGrowthKb, 'KiB', {
        baseline: `relay mode, to ${count} sessions`,
        baselineValue: round(relayGrowthKb, 0),
        ratio: round(sideGrowthKb / relayGrowthKb),
      });
      row(
        `machine load average after the sideband/relay blocks, ${count} sessions`,
        loadavg()[0],
        'runnable tasks',
      );
    }
  } finally {
    await ask(peers, 'close').catch(() => peers.proc.kill('SIGKILL'));
    for (const { socket } of relayed) socket.terminate();
  }
}

/** Both benchmarks (or `part`: 'live' or 'sideband'), rows appended with `row`. */
export async function sessionCpuBenchmarks({ row, apiKey, part }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-session-cpu-'));
  // An emulator of its own with generated speech: answers are ready at once in both protocols
  // (eSpeak NG on a loaded machine takes seconds), and its CPU stays out of the server's figures.
  const emulator = await child('bench/emulator-child.mjs', [apiKey, 'generated']);
  emulator.proc.once('exit', (code) => (emulatorExit = new Error(`the emulator exited (${code})`)));
  const server = await child(
    'bench/session-cpu-server.mjs',
    [emulator.httpUrl, apiKey, dataDir],
    ['--expose-gc'],
  );
  // BENCH_BLOCKS: blocks per set and level; BENCH_SESSION_SCALE scales the levels (smoke runs).
  const blocks = Number(process.env.BENCH_BLOCKS ?? 4);
  const scale = Number(process.env.BENCH_SESSION_SCALE ?? 1);
  const levels = (list) => list.map((n) => Math.max(1, Math.round(n * scale)));
  try {
    const only = part ?? process.env.BENCH_SESSION_CPU;
    if (only !== 'sideband')
      await liveAgainstRealtime({ row, server, levels: levels([20, 50]), blocks });
    if (only !== 'live')
      await sidebandAgainstRelay({ row, server, levels: levels([50, 100, 200]), blocks });
  } finally {
    for (const { proc } of [server, emulator]) {
      if (proc.exitCode !== null || proc.signalCode !== null) continue;
      proc.kill('SIGTERM');
      await new Promise((resolve) => proc.once('exit', resolve));
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}
