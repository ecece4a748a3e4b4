// Benchmarks of the demo: Parley's own latency end to end in Chromium against the emulator, and
// the size of Parley's part of the demo's bundle. Prints a table and writes bench-results.json.
//
// Latency: the fake microphone plays a WAV of utterances with known silences. In the page, every
// microphone frame the session sends is scanned, so the end of each utterance is known on the
// page's clock to the sample. For every turn, Parley's overhead is
//   (first agent audio rendered by the playback worklet) - (end of speech) - (VAD silence window),
// i.e. everything that is not the server deliberately waiting for silence: framing, the socket,
// the relay, the emulator's response start, decoding, the jitter buffer's pre-roll and rendering.
// "Rendered" is when the page hears of it (the session's firstAudioPlayedAt, from the worklet's
// 'started' report). PARLEY_BENCH_DEBUG=1 prints a per-turn breakdown;
// PARLEY_BENCH_PROFILE=<file> writes a CPU profile of the page over the measured turns.
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import playwright from 'playwright-core';
import { launchChromium } from '../../../scripts/chromium.mjs';
import { measureBundle } from '../scripts/bundle-size.mjs';
import { makeSpeechWav } from '../test/speech-wav.mjs';
import { startStack } from '../test/stack.mjs';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const TURNS = Number(process.env.PARLEY_BENCH_TURNS ?? 12);
const TARGET_MEDIAN_MS = 40;
const { budgetGzipBytes } = JSON.parse(
  await import('node:fs').then((fs) => fs.readFileSync(join(appDir, 'bundle-budget.json'), 'utf8')),
);

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

/**
 * Installed in the page: finds where speech ends in the microphone frames, by the same rule as the
 * server's energy VAD (10 ms windows louder than the threshold's dBFS level), and reads the VAD's
 * threshold and silence window from the session the server configured.
 */
function instrumentPage() {
  const w = window;
  const session = w.parley.session;
  const record = { speechEnds: [], silenceMs: null, threshold: 0.5, frames: 0 };
  w.benchRecord = record;
  const WINDOW = 240; // 10 ms at 24 kHz
  let windowEnergy = 0;
  let windowFill = 0;
  let lastLoudAt = null;
  let quietMs = 0;
  // Microphone frames as the audio port hands them to the session (24 kHz PCM16, sent as they come).
  w.parley.audio.on('frame', (samples) => {
    const now = performance.now();
    record.frames += 1;
    const level = Math.pow(10, (-60 + Math.min(1, Math.max(0, record.threshold)) * 50) / 10);
    for (let i = 0; i < samples.length; i += 1) {
      const value = samples[i] / 32768;
      windowEnergy += value * value;
      windowFill += 1;
      if (windowFill < WINDOW) continue;
      // This window ended at sample i; the frame is delivered when its last sample was captured.
      const windowEndAt = now - (samples.length - 1 - i) / 24;
      if (windowEnergy / WINDOW > level) {
        lastLoudAt = windowEndAt;
        quietMs = 0;
      } else if (lastLoudAt !== null) {
        quietMs += 10;
        if (quietMs >= 400) {
          record.speechEnds.push(lastLoudAt);
          lastLoudAt = null;
          quietMs = 0;
        }
      }
      windowEnergy = 0;
      windowFill = 0;
    }
  });
  session.on('serverEvent', (event) => {
    const detection = event.session?.audio?.input?.turn_detection;
    if (detection && typeof detection.silence_duration_ms === 'number')
      record.silenceMs = detection.silence_duration_ms;
    if (detection && typeof detection.threshold === 'number')
      record.threshold = detection.threshold;
  });
}

/**
 * Installed before the page loads: raw receipt times of the events that bound a turn, and the
 * playback worklet's 'started' reports with how far the audio clock was past the reported frame.
 */
function instrumentSockets() {
  const raw = { stopped: [], firstAudio: [], started: [] };
  window.benchRaw = raw;
  // The playback worklet's 'started' reports, with how far the audio clock had moved past the
  // first rendered frame by the time the page received it (the main thread's queueing delay).
  const NativeNode = window.AudioWorkletNode;
  window.AudioWorkletNode = class extends NativeNode {
    constructor(...args) {
      super(...args);
      this.port.addEventListener('message', (event) => {
        if (event.data?.type !== 'started') return;
        const lagMs =
          (this.context.currentTime - event.data.frame / this.context.sampleRate) * 1000;
        raw.started.push({ at: performance.now(), lagMs });
      });
    }
  };
  const Native = window.WebSocket;
  let audioSeen = false;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (event) => {
        if (typeof event.data !== 'string') return;
        const head = event.data.slice(0, 80);
        if (head.includes('input_audio_buffer.speech_stopped')) {
          raw.stopped.push(performance.now());
          audioSeen = false;
        } else if (!audioSeen && head.includes('output_audio.delta')) {
          raw.firstAudio.push(performance.now());
          audioSeen = true;
        }
      });
    }
  };
}

async function measureLatency(stack) {
  const segments = [{ silenceMs: 300 }];
  for (let turn = 0; turn < TURNS + 1; turn += 1) {
    segments.push({ say: 'Hello, can you tell me about your fees?' }, { silenceMs: 4200 });
  }
  const wav = makeSpeechWav(segments);
  const browser = await launchChromium(playwright, { audioFile: wav.path });
  try {
    const page = await browser.newPage();
    // Debug breakdown: when the page's sockets receive each speech_stopped and each response's
    // first audio delta, before Parley parses them.
    if (process.env.PARLEY_BENCH_DEBUG) await page.addInitScript(instrumentSockets);
    await page.goto(`${stack.url}/?debug&transport=websocket`);
    await page.getByRole('button', { name: 'Start conversation' }).waitFor({ timeout: 20_000 });
    await page.waitForFunction(() => Boolean(window.parley), null, { timeout: 20_000 });
    await page.evaluate(instrumentPage);
    // Muted until the greeting is over, so every measured turn starts from silence.
    await page.getByRole('button', { name: 'Mute' }).click();
    await page.getByRole('button', { name: 'Start conversation' }).click();
    await page.waitForFunction(
      () => {
        const s = window.parley.session.getSnapshot();
        return (
          s.status === 'connected' &&
          s.turn === 'listening' &&
          !s.items.some((item) => item.streaming)
        );
      },
      null,
      { timeout: 30_000, polling: 50 },
    );
    await page.waitForTimeout(500);
    let cdp = null;
    if (process.env.PARLEY_BENCH_PROFILE) {
      // Debug: a CPU profile of the page over the measured turns.
      cdp = await page.context().newCDPSession(page);
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
      await cdp.send('Profiler.start');
    }
    await page.getByRole('button', { name: 'Unmute' }).click();
    const firstTurn = await page.evaluate(
      () => window.parley.session.getSnapshot().metrics.turnCount,
    );
    await page.waitForFunction(
      ({ firstTurn, turns }) =>
        window.parley.session.getSnapshot().metrics.turnCount >= firstTurn + turns,
      { firstTurn, turns: TURNS },
      { timeout: TURNS * 8_000 + 20_000, polling: 100 },
    );
    if (cdp) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(process.env.PARLEY_BENCH_PROFILE, JSON.stringify(profile));
    }
    const result = await page.evaluate(() => ({
      raw: window.benchRaw ?? null,
      record: window.benchRecord,
      turns: window.parley.session.getSnapshot().metrics.turns,
    }));
    const silenceMs = result.record.silenceMs ?? 0;
    const overheads = [];
    const received = [];
    const playbackStart = [];
    for (const turn of result.turns) {
      if (
        turn.firstAudioPlayedAt === null ||
        turn.userStoppedAt === null ||
        turn.firstAudioReceivedAt === null
      )
        continue;
      // The utterance this turn answers: the last speech end before the server said it stopped.
      const end = result.record.speechEnds.filter((at) => at <= turn.userStoppedAt).at(-1);
      if (end === undefined) continue;
      overheads.push(turn.firstAudioPlayedAt - end - silenceMs);
      if (process.env.PARLEY_BENCH_DEBUG) {
        const parts = [
          turn.userStoppedAt - end - silenceMs,
          turn.firstAudioReceivedAt - turn.userStoppedAt,
          turn.firstAudioPlayedAt - turn.firstAudioReceivedAt,
        ];
        // Raw socket receipts: the last speech_stopped before Parley saw it, the first audio delta after.
        const rawStopped = result.raw?.stopped.filter((at) => at <= turn.userStoppedAt).at(-1);
        const rawAudio = result.raw?.firstAudio.find((at) => at >= (rawStopped ?? Infinity));
        const rawParts =
          rawStopped === undefined || rawAudio === undefined
            ? ''
            : ` (socket: stop parsed +${(turn.userStoppedAt - rawStopped).toFixed(1)}, stop → audio ${(rawAudio - rawStopped).toFixed(1)}, audio parsed +${(turn.firstAudioReceivedAt - rawAudio).toFixed(1)})`;
        const started = result.raw?.started.find((entry) => entry.at >= turn.firstAudioReceivedAt);
        // Audio rendered past the first sample when the page heard of it: the render batch the
        // worklet was in (rendered ahead of the clock) plus any main-thread delay.
        const lag = started ? `, context ${started.lagMs.toFixed(1)} ms past it` : '';
        console.log(
          `VAD stop seen +${parts[0].toFixed(1)} ms, first audio +${parts[1].toFixed(1)} ms, rendered +${parts[2].toFixed(1)} ms${rawParts}${lag}`,
        );
      }
      received.push(turn.firstAudioReceivedAt - end - silenceMs);
      playbackStart.push(turn.firstAudioPlayedAt - turn.firstAudioReceivedAt);
    }
    return { overheads, received, playbackStart, silenceMs };
  } finally {
    await browser.close();
  }
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
});
let latency;
try {
  latency = await measureLatency(stack);
} finally {
  await stack.close();
}
const sorted = [...latency.overheads].sort((a, b) => a - b);
const median = percentile(sorted, 50);
const p95 = percentile(sorted, 95);
const round = (value) => (value === null ? null : Math.round(value * 10) / 10);
rows.push({
  name: `End of speech → first agent audio rendered, minus the ${latency.silenceMs} ms VAD window (median of ${sorted.length})`,
  value: round(median),
  unit: 'ms',
  baseline: null,
  baselineValue: null,
  ratio: null,
  target: `<= ${TARGET_MEDIAN_MS} ms`,
  pass: median !== null && median <= TARGET_MEDIAN_MS,
});
rows.push({
  name: 'End of speech → first agent audio rendered, minus the VAD window (p95)',
  value: round(p95),
  unit: 'ms',
  baseline: null,
  baselineValue: null,
  ratio: null,
  target: null,
  pass: null,
});
const median2 = (values) =>
  round(
    percentile(
      [...values].sort((a, b) => a - b),
      50,
    ),
  );
rows.push({
  name: 'Part: end of speech → first agent audio received by the page, minus the VAD window (median)',
  value: median2(latency.received),
  unit: 'ms',
  baseline: null,
  baselineValue: null,
  ratio: null,
  target: null,
  pass: null,
});
rows.push({
  name: 'Part: first audio received → first sample rendered by the playback worklet (median)',
  value: median2(latency.playbackStart),
  unit: 'ms',
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
console.log(`  (turn overheads: ${sorted.map((value) => value.toFixed(1)).join(', ')} ms)`);
writeFileSync(
  join(appDir, 'bench-results.json'),
  `${JSON.stringify({ package: '@parley/demo', rows }, null, 2)}\n`,
);
