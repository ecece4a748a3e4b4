// Relay CPU per GPT-Live session against a Realtime session, in the same run (BENCH_ONLY=live).
// N sessions of one kind stream microphone audio in real time (20 ms frames, each session at its
// own phase) through the relay for a window, then N of the other kind; the kinds alternate over
// several rounds so the machine's other load falls on both alike. The relay process's CPU over
// each window, divided by the sessions, is its cost per session. A Live session also carries what
// GPT-Live always sends: continuous output audio (silence included) and the usage updates, which
// the relay forwards; a Realtime session with no turn detection carries only the microphone.
import { cpus, loadavg } from 'node:os';
import { readFileSync } from 'node:fs';
import WebSocket from 'ws';

const SESSIONS = Number(process.env.PARLEY_BENCH_LIVE_SESSIONS ?? 10);
const WINDOW_MS = Number(process.env.PARLEY_BENCH_LIVE_WINDOW_MS ?? 8000);
const ROUNDS = Number(process.env.PARLEY_BENCH_LIVE_ROUNDS ?? 3);
const FRAME = Buffer.alloc(960).toString('base64'); // 20 ms of 24 kHz PCM16 silence

const cpuMs = (pid) =>
  readFileSync(`/proc/${pid}/stat`, 'utf8')
    .split(') ')[1]
    .split(' ')
    .slice(11, 13)
    .map(Number)
    .reduce((a, b) => a + b, 0) * 10;

/** Opens one relayed session of `kind` and resolves once the upstream session is configured. */
async function open(relay, kind) {
  const response = await fetch(`${relay.url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId: kind === 'live' ? relay.liveAgentId : relay.agentId }),
  });
  const session = await response.json();
  const socket = new WebSocket(session.url, ['realtime', `parley-ticket.${session.ticket}`], {
    perMessageDeflate: false,
  });
  const ready = kind === 'live' ? '"session.started"' : '"session.updated"';
  await new Promise((resolve, reject) => {
    socket.on('message', (data) => {
      if (data.toString().includes(ready)) resolve();
    });
    socket.once('error', reject);
  });
  const type = kind === 'live' ? 'session.input_audio.append' : 'input_audio_buffer.append';
  const frame = JSON.stringify({ type, audio: FRAME });
  const counts = { sent: 0, received: 0 };
  socket.on('message', () => (counts.received += 1));
  return {
    socket,
    counts,
    send: () => {
      counts.sent += 1;
      socket.send(frame);
    },
  };
}

/** Streams through `count` sessions of `kind` for the window; the relay's CPU ms over it. */
async function window(relay, kind, count) {
  const sessions = await Promise.all(Array.from({ length: count }, () => open(relay, kind)));
  const timers = [];
  const start = cpuMs(relay.child.pid);
  const startedAt = performance.now();
  sessions.forEach((session, index) => {
    const phase = setTimeout(
      () => {
        timers.push(setInterval(session.send, 20));
      },
      (20 * index) / count,
    );
    timers.push(phase);
  });
  await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
  for (const timer of timers) clearInterval(timer);
  const used = cpuMs(relay.child.pid) - start;
  const elapsed = performance.now() - startedAt;
  const sent = sessions.reduce((total, session) => total + session.counts.sent, 0);
  const received = sessions.reduce((total, session) => total + session.counts.received, 0);
  for (const session of sessions) session.socket.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  return { used, elapsed, sent, received };
}

/** Runs the comparison and adds its rows. */
export async function liveBenchmarks({ row, relay }) {
  const totals = {
    live: { used: 0, elapsed: 0, sent: 0, received: 0 },
    realtime: { used: 0, elapsed: 0, sent: 0, received: 0 },
  };
  const loads = [];
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['realtime', 'live'] : ['live', 'realtime'];
    for (const kind of order) {
      const result = await window(relay, kind, SESSIONS);
      for (const key of Object.keys(totals[kind])) totals[kind][key] += result[key];
      loads.push(loadavg()[0]);
    }
  }
  // Percent of one core per session.
  const perSession = (kind) => (100 * totals[kind].used) / totals[kind].elapsed / SESSIONS;
  const live = perSession('live');
  const realtime = perSession('realtime');
  const load = loads.reduce((a, b) => a + b, 0) / loads.length;
  // What each session really carried (a loaded machine fires the 20 ms timers late).
  const rate = (kind, key) => ((totals[kind][key] / totals[kind].elapsed) * 1000) / SESSIONS;
  for (const kind of ['live', 'realtime'])
    console.log(
      `  ${kind}: ${rate(kind, 'sent').toFixed(1)} frames/s sent and ${rate(kind, 'received').toFixed(1)} events/s received per session`,
    );
  console.log(
    `relay CPU per session (${SESSIONS} at a time, ${ROUNDS} rounds of ${WINDOW_MS} ms each): ` +
      `Live ${live.toFixed(3)}% of a core, Realtime ${realtime.toFixed(3)}%, ratio ${(live / realtime).toFixed(2)}; ` +
      `load average ${load.toFixed(1)} on ${cpus().length} cores`,
  );
  row('relay CPU per GPT-Live session', live, '% of one core', {
    baseline: 'Realtime session, same run',
    baselineValue: Math.round(realtime * 1000) / 1000,
    ratio: Math.round((live / realtime) * 100) / 100,
  });
  row('machine load average during the Live/Realtime CPU windows', load, 'runnable tasks');
}
