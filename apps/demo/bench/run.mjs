// Benchmarks of the demo: Parley's own latency end to end in Chromium against the emulator, for
// a Realtime and a GPT-Live agent over the WebSocket relay and over WebRTC, in the same run, and
// the size of Parley's part of the demo's bundle. Prints a table and writes bench-results.json.
//
// Latency: the fake microphone plays a WAV of utterances with known silences; the demo talks to
// the Parley server and the emulator on loopback. For every turn, Parley's overhead is
//   (first agent audio heard) - (end of the user's speech) - (the server side's deliberate wait),
// i.e. everything that is not the server waiting on purpose: capture and framing, the socket or
// the peer connection, the relay or the sideband, the emulator's response start, decoding, the
// jitter buffer and rendering. Measured the same way in all four conversations (page-probes.mjs):
// - end of speech: the microphone stream the transport sends, scanned in the page by the servers'
//   energy-VAD rule, to the sample;
// - first agent audio heard: the first sample above -50 dBFS, after 300 ms below it, at an
//   AnalyserNode on what the listener hears: the playback worklet's output on the WebSocket
//   relay, the remote track over WebRTC (played by the transport's <audio> element);
// - the deliberate wait: Realtime, the server VAD's silence window (session.updated); GPT-Live,
//   whose model owns turns, the model's own timeline from the end of the user's speech to its
//   answer's first word, from the timed transcript fragments: its silence window (500 ms in the
//   emulator's live-turns.ts) and GPT-Live's 100 ms output chunks (the wait for the next chunk
//   boundary and the chunk's length). A row also gives Live minus its silence window alone.
// Each median row also says how many of the answers the server gave (response.created; Live: an
// answer's first output fragment) the page heard: an answer given and never heard is a failure
// this latency cannot show. Nothing is muted before Start (on a GPT-Live agent over WebRTC that
// leaves the microphone track off after Unmute), so speech while connecting is answered but not
// measured: a measured turn's speech ends after the conversation is open.
// The conversations take turns in blocks (Realtime/WebSocket, Realtime/WebRTC, Live/WebSocket,
// Live/WebRTC, then the reverse), each in a fresh browser, so the machine's other load falls on
// all four alike. PARLEY_BENCH_TURNS (default 8) turns per conversation, split over the two
// rounds; PARLEY_BENCH_DEBUG=1 prints every turn and where its time went (stagesOf below: the
// medians of the stages are printed after the table in any case);
// PARLEY_BENCH_ONLY keeps some of the conversations (a substring of their names, e.g. realtime).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import playwright from 'playwright-core';
import { LIVE_END_OF_TURN_SILENCE_MS } from '@parley/emulator';
import { launchChromium } from '../../../scripts/chromium.mjs';
import { measureBundle } from '../scripts/bundle-size.mjs';
import { makeSpeechWav } from '../test/speech-wav.mjs';
import { startStack } from '../test/stack.mjs';
import { installAudioProbes, installSessionProbes } from './page-probes.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const TURNS = Number(process.env.PARLEY_BENCH_TURNS ?? 8);
const TARGET_MEDIAN_MS = 40;
const { budgetGzipBytes } = JSON.parse(readFileSync(join(appDir, 'bundle-budget.json'), 'utf8'));
// PARLEY_BENCH_ONLY=realtime (or gpt-live, webrtc, ...) keeps the conversations whose name has it.
const only = (process.env.PARLEY_BENCH_ONLY ?? '').toLowerCase();
const conditions = [
  { name: 'Realtime, WebSocket relay', agent: 'ecommerce-support', transport: 'websocket' },
  { name: 'Realtime, WebRTC', agent: 'ecommerce-support', transport: 'webrtc' },
  { name: 'GPT-Live, WebSocket relay', agent: 'ecommerce-support-live', transport: 'websocket' },
  { name: 'GPT-Live, WebRTC', agent: 'ecommerce-support-live', transport: 'webrtc' },
].filter((condition) => condition.name.toLowerCase().includes(only));
if (conditions.length === 0) throw new Error(`PARLEY_BENCH_ONLY=${only} names no conversation`);

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/**
 * The turns of one conversation: each onset of agent audio with the last end of speech before it
 * (after the microphone was opened), less the deliberate wait of that turn. An onset with no wait
 * stated after the speech end (the greeting, a reply interrupted and resumed) is not a turn.
 */
function turnsOf(result, live) {
  const turns = [];
  for (const onset of result.onsets) {
    const end = result.speechEnds.filter((at) => at >= result.openedAt && at < onset).at(-1);
    if (end === undefined || turns.some((turn) => turn.end === end)) continue;
    const waitMs = live
      ? result.modelWaits.find((wait) => wait.at >= end && wait.at <= onset + 1000)?.ms
      : result.silenceMs;
    if (waitMs === undefined || waitMs === null) continue;
    const overhead = onset - end - waitMs;
    // Heard before the wait was over: not an answer to this speech end (the previous reply's tail).
    if (overhead < -20) continue;
    turns.push({
      end,
      overhead,
      silenceOnly: onset - end - (live ? LIVE_END_OF_TURN_SILENCE_MS : result.silenceMs),
      stages: stagesOf(result, end, onset, waitMs),
    });
  }
  return turns;
}

const STAGES = ['detect', 'respond', 'start', 'play', 'jitterBuffer', 'render'];

/**
 * Where one turn's overhead went, on the page's clock (null where the wire shows no such event:
 * GPT-Live has no turn events): detect, end of speech to speech_stopped arriving, less the wait;
 * respond, to response.created; start, to the first audio (output_audio_buffer.started over
 * WebRTC, the response's first audio delta on the relay; GPT-Live on the relay, from the end of
 * speech less the model's wait, to when the answer's first sound would play were its output chunk
 * played on arrival: the uplink, the relay both ways and the emulator); play, to the first audio
 * heard (on the relay, the player's queue). Over WebRTC play is also split at the receiver's
 * playout of the first packet (jitterBuffer: arrival and the jitter buffer; render: the remote
 * track into a Web Audio context and the analyser), and the jitter buffer's target delay when the
 * answer was heard is given.
 */
function stagesOf(result, end, onset, waitMs) {
  const after = (list, from) => list.find((at) => at >= from && at <= onset) ?? null;
  const stopped = after(result.stages.speechStopped, end);
  const created = after(result.stages.responseCreated, stopped ?? end);
  const firstAudio = after(result.stages.firstAudio, created ?? end);
  const playout = after(result.playouts, firstAudio ?? end);
  const span = (from, to) => (from === null || to === null ? null : to - from);
  const jitter = result.jitter.find((entry) => entry.at === onset);
  return {
    detect: stopped === null ? null : stopped - end - waitMs,
    respond: span(stopped, created),
    start:
      created === null && firstAudio !== null
        ? firstAudio - end - waitMs
        : span(created, firstAudio),
    play: span(firstAudio, onset),
    // Over WebRTC the play stage in two: to the jitter buffer's playout, then to the analyser.
    jitterBuffer: span(firstAudio, playout),
    render: span(playout, onset),
    jitterTargetMs: jitter?.targetMs ?? null,
  };
}

const fixed = (value) => (value === null || value === undefined ? '—' : value.toFixed(1));

/** One turn's stages, for the debug print. */
function describeStages(stages) {
  const parts = STAGES.filter((stage) => stages[stage] !== null).map(
    (stage) => `${stage} ${fixed(stages[stage])}`,
  );
  if (stages.jitterTargetMs !== null) parts.push(`jitter target ${fixed(stages.jitterTargetMs)}`);
  return parts.join(', ');
}

/** One block: a fresh browser, one conversation with `condition`, `turns` measured turns. */
async function measureBlock(stack, agentIds, condition, turns, wav) {
  const browser = await launchChromium(playwright, { audioFile: wav.path });
  try {
    const page = await browser.newPage({ bypassCSP: true });
    page.on('pageerror', (error) => console.error(`page error (${condition.name}):`, error));
    await page.addInitScript(installAudioProbes);
    await page.goto(`${stack.url}/?debug&transport=${condition.transport}`);
    await page.getByRole('button', { name: 'Start conversation' }).waitFor({ timeout: 20_000 });
    await page.getByLabel('Agent').selectOption(agentIds[condition.agent]);
    await page.waitForFunction(() => Boolean(window.parley), null, { timeout: 20_000 });
    await page.evaluate(installSessionProbes);
    // Not muted before Start: on a GPT-Live agent over WebRTC that leaves the microphone track
    // disabled after Unmute (Live's mute does not reach the track). Speech heard while connecting
    // is answered but not measured: a turn's speech must end after the conversation was open.
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await page.waitForFunction(
      (transport) => {
        const s = window.parley.session.getSnapshot();
        return s.status === 'connected' && s.transport === transport;
      },
      condition.transport,
      { timeout: 30_000, polling: 50 },
    );
    await page.waitForTimeout(700);
    await page.evaluate(() => (window.bench.openedAt = performance.now()));
    const live = condition.agent.endsWith('-live');
    const collect = () =>
      page.evaluate(() => ({
        ...window.bench,
        transport: window.parley.session.getSnapshot().transport,
      }));
    const deadline = Date.now() + turns * 6_000 + 15_000;
    const given = (result) => result.answers.filter((at) => at >= result.openedAt).length;
    let result = await collect();
    // Answers given but not heard end the block early: they are reported, not waited for.
    while (
      turnsOf(result, live).length < turns &&
      given(result) < turns + 3 &&
      Date.now() < deadline
    ) {
      await page.waitForTimeout(500);
      result = await collect();
    }
    await page.getByRole('button', { name: 'End conversation' }).click();
    await page.getByRole('button', { name: 'Start conversation' }).waitFor({ timeout: 20_000 });
    const measured = turnsOf(result, live).slice(0, turns);
    // Answers the page heard, of those the server gave while the block ran.
    return { result, turns: measured, given: given(result), heard: turnsOf(result, live).length };
  } finally {
    await browser.close();
  }
}

/** Every condition's turns, in two rounds of blocks (forward, then reversed). */
async function measureLatency(stack) {
  const segments = [{ silenceMs: 300 }];
  // Long enough that no block runs out of speech (the fake microphone plays it once, from the start).
  for (let turn = 0; turn < Math.ceil(TURNS / 2) * 3 + 30; turn += 1) {
    segments.push({ say: 'Hello, what are your fees?' }, { silenceMs: 2000 });
  }
  const wav = makeSpeechWav(segments);
  const { agents } = await (await fetch(`${stack.url}/api/agents`)).json();
  const agentIds = Object.fromEntries(agents.map((agent) => [agent.slug, agent.id]));
  const measured = new Map(conditions.map((condition) => [condition, []]));
  const answered = new Map(conditions.map((condition) => [condition, { given: 0, heard: 0 }]));
  const silenceMs = new Map();
  const loads = [];
  const rounds = [conditions, [...conditions].reverse()];
  for (const [round, order] of rounds.entries()) {
    for (const condition of order) {
      const turns = round === 0 ? Math.ceil(TURNS / 2) : TURNS - Math.ceil(TURNS / 2);
      const block = await measureBlock(stack, agentIds, condition, turns, wav);
      if (block.result.transport !== condition.transport)
        throw new Error(`${condition.name}: the page used ${block.result.transport}`);
      measured.get(condition).push(...block.turns);
      answered.get(condition).given += block.given;
      answered.get(condition).heard += Math.min(block.heard, block.given);
      silenceMs.set(condition, block.result.silenceMs);
      loads.push(loadavg()[0]);
      if (process.env.PARLEY_BENCH_DEBUG)
        console.log(
          `${condition.name}: ${block.turns.map((turn) => turn.overhead.toFixed(1)).join(', ')} ms (${block.result.speechEnds.length} speech ends, ${block.result.onsets.length} onsets)\n${block.turns.map((turn) => `    ${turn.overhead.toFixed(1)} ms: ${describeStages(turn.stages)}`).join('\n')}`,
        );
    }
  }
  return { measured, answered, silenceMs, loads };
}

const rows = [];
if (!existsSync(join(appDir, 'dist', 'index.html'))) {
  console.error(
    'apps/demo/dist is missing: build the demo first (pnpm --filter @parley/demo build).',
  );
  process.exit(1);
}
const size = measureBundle();
rows.push({
  name: 'Parley in the demo bundle (core + audio-worklets + react, min+gzip)',
  value: Math.round(size.totalGzip / 102.4) / 10,
  unit: 'kB',
  baseline: 'budget',
  baselineValue: Math.round(budgetGzipBytes / 102.4) / 10,
  ratio: Math.round((size.totalGzip / budgetGzipBytes) * 100) / 100,
  target: `<= ${(budgetGzipBytes / 1024).toFixed(1)} kB`,
  pass: size.totalGzip <= budgetGzipBytes,
});

// What is not Parley is taken out of the emulator: its generated voice (espeak-ng synthesis time
// would count as overhead) and its pacing (it waits 150 ms before a response's first output to
// imitate a model, and streams audio in real time); speechRate 1000 makes both negligible.
const stack = await startStack({
  demoDir: join(appDir, 'dist'),
  speechEngine: 'generated',
  speechRate: 1000,
  // Eight conversations one after another from one address: a WebRTC call whose page closed may
  // hold its slot until the upstream notices.
  limits: { maxSessionsPerClient: 20 },
});
let latency;
try {
  latency = await measureLatency(stack);
} finally {
  await stack.close();
}
const round = (value) => (value === null ? null : Math.round(value * 10) / 10);
const sortedOf = (turns, key = 'overhead') => turns.map((turn) => turn[key]).sort((a, b) => a - b);
const baseline = sortedOf(latency.measured.get(conditions[0]));
const baselineMedian = percentile(baseline, 50);
const baselineP95 = percentile(baseline, 95);
const ratioTo = (value, base) =>
  value === null || !base ? null : Math.round((value / base) * 100) / 100;
for (const [index, condition] of conditions.entries()) {
  const sorted = sortedOf(latency.measured.get(condition));
  const median = percentile(sorted, 50);
  const p95 = percentile(sorted, 95);
  const live = condition.agent.endsWith('-live');
  const wait = live
    ? "the model's timeline wait (silence window and output chunking)"
    : `the ${latency.silenceMs.get(condition)} ms VAD silence window`;
  const webrtcTarget = condition.transport === 'webrtc' && !live;
  const { heard, given } = latency.answered.get(condition);
  rows.push({
    name: `${condition.name}: end of speech → first agent audio heard, minus ${wait} (median of ${sorted.length}; answers heard ${heard} of ${given} given)`,
    value: round(median),
    unit: 'ms',
    baseline: index === 0 ? null : `${conditions[0].name}, same run`,
    baselineValue: index === 0 ? null : round(baselineMedian),
    ratio: index === 0 ? null : ratioTo(median, baselineMedian),
    target: webrtcTarget ? 'no worse than WebSocket' : `<= ${TARGET_MEDIAN_MS} ms`,
    pass: median !== null && (webrtcTarget ? median <= baselineMedian : median <= TARGET_MEDIAN_MS),
  });
  rows.push({
    name: `${condition.name}: the same, p95`,
    value: round(p95),
    unit: 'ms',
    baseline: index === 0 ? null : `${conditions[0].name}, same run`,
    baselineValue: index === 0 ? null : round(baselineP95),
    ratio: index === 0 ? null : ratioTo(p95, baselineP95),
    target: null,
    pass: null,
  });
  if (live) {
    const silenceOnly = percentile(sortedOf(latency.measured.get(condition), 'silenceOnly'), 50);
    rows.push({
      name: `${condition.name}: the same minus the ${LIVE_END_OF_TURN_SILENCE_MS} ms silence window alone (includes the emulated model's 100 ms output chunking; median)`,
      value: round(silenceOnly),
      unit: 'ms',
      baseline: null,
      baselineValue: null,
      ratio: null,
      target: null,
      pass: null,
    });
  }
}
const loads = latency.loads;
rows.push({
  name: 'machine load average (1 min) over the latency blocks, mean',
  value: round(loads.reduce((a, b) => a + b, 0) / loads.length),
  unit: `runnable tasks (min ${round(Math.min(...loads))}, max ${round(Math.max(...loads))})`,
  baseline: null,
  baselineValue: null,
  ratio: null,
  target: null,
  pass: null,
});

console.log('\n@parley/demo benchmarks');
for (const row of rows) {
  const target = row.target ? `  target ${row.target}` : '';
  const verdict = row.pass === null ? '' : row.pass ? '  PASS' : '  FAIL';
  console.log(`  ${row.name}: ${row.value ?? '—'} ${row.unit}${target}${verdict}`);
}
for (const condition of conditions) {
  const measured = latency.measured.get(condition);
  const overheads = measured.map((turn) => turn.overhead.toFixed(1));
  console.log(`  (${condition.name}, turn overheads: ${overheads.join(', ')} ms)`);
  const medianOf = (key) => {
    const values = measured.map((turn) => turn.stages[key]).filter((value) => value !== null);
    return percentile(
      values.sort((a, b) => a - b),
      50,
    );
  };
  const stages = [...STAGES, 'jitterTargetMs'].filter((key) => medianOf(key) !== null);
  if (stages.length > 0)
    console.log(
      `  (${condition.name}, stage medians: ${stages.map((key) => `${key} ${fixed(medianOf(key))}`).join(', ')} ms)`,
    );
}
writeFileSync(
  join(appDir, 'bench-results.json'),
  `${JSON.stringify({ package: '@parley/demo', rows }, null, 2)}\n`,
);
