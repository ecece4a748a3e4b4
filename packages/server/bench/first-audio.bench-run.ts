// Time to first agent audio in Chromium, core's voice session over WebRTC (POST /api/calls, audio
// on the remote track) against the same session over the WebSocket relay, in the same run, both
// against the emulator through one Parley server. Each turn: sendText() → the first agent audio
// that reaches the page. WebRTC: the first non-silent sample at an AnalyserNode on the remote
// track (after RTP, the jitter buffer and Opus decoding), read every 2 ms. WebSocket: the first
// non-silent audio delta the session decodes (before any playback buffering: a lower bound of
// what a listener would hear). Turns alternate between the two pages, so the machine's other
// load falls on both alike. Prints a table; asserts nothing about speed.
import { loadavg } from 'node:os';
import { build } from 'esbuild';
import * as playwright from 'playwright-core';
import { afterAll, beforeAll, it } from 'vitest';
import { startEmulator } from '@parley/emulator';
import { launchChromium } from '../../../scripts/chromium.mjs';
import { silentLogger } from '../src/logger.js';
import { createParleyServer, type ParleyServer } from '../src/server.js';
import { createStore, type Store } from '../src/storage/store.js';
import { testBackends } from '../src/test-utils/databases.js';
import { publishTestAgent } from '../test/relay-helpers.js';

const TURNS = Number(process.env.PARLEY_BENCH_TURNS ?? 10);
const apiKey = 'test-key-first-audio-bench';
const backend = testBackends()[0]!;

const entry = `
import { createTransport, createVoiceSession, parleyServerCredentials } from '@parley/core';
window.startVoice = async (choice) => {
  const sink = document.createElement('audio');
  document.body.append(sink);
  const transport = createTransport(choice, { webrtc: { createAudioSink: () => sink } });
  const session = createVoiceSession({
    credentials: parleyServerCredentials({ baseUrl: '', agentId: 'bench', transport: choice }),
    transport,
  });
  const state = { heardAt: null, sentAt: null, done: 0, lastLoudAt: 0 };
  session.on('audio', ({ pcm16 }) => {
    if (state.sentAt === null || state.heardAt !== null) return;
    if (pcm16.some((sample) => Math.abs(sample) > 300)) state.heardAt = performance.now();
  });
  session.on('serverEvent', (event) => {
    if (event.type === (choice === 'webrtc' ? 'output_audio_buffer.stopped' : 'response.done')) state.done += 1;
  });
  await session.connect();
  if (choice === 'webrtc') {
    const context = new AudioContext();
    await context.resume();
    const analyser = context.createAnalyser();
    analyser.fftSize = 256;
    context.createMediaStreamSource(sink.srcObject).connect(analyser);
    const buffer = new Float32Array(256);
    setInterval(() => {
      analyser.getFloatTimeDomainData(buffer);
      if (!buffer.some((sample) => Math.abs(sample) > 0.02)) return;
      state.lastLoudAt = performance.now();
      if (state.sentAt !== null && state.heardAt === null) state.heardAt = state.lastLoudAt;
    }, 2);
  }
  window.voice = { session, state };
};
window.turn = async () => {
  const { session, state } = window.voice;
  const before = state.done;
  // The last reply's tail may still be playing out of the jitter buffer: start in silence.
  while (performance.now() - state.lastLoudAt < 500) await new Promise((resolve) => setTimeout(resolve, 20));
  state.heardAt = null;
  state.sentAt = performance.now();
  session.sendText('hello');
  while (state.done === before) await new Promise((resolve) => setTimeout(resolve, 20));
  const ms = state.heardAt === null ? null : state.heardAt - state.sentAt;
  state.sentAt = null;
  return ms;
};
`;

let emulator: Awaited<ReturnType<typeof startEmulator>>;
let parley: ParleyServer;
let store: Store;
let base: string;
let browser: playwright.Browser;
let bundle: string;

beforeAll(async () => {
  const bundled = await build({
    stdin: { contents: entry, resolveDir: process.cwd(), loader: 'js', sourcefile: 'bench.js' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    conditions: ['source'],
    write: false,
    logLevel: 'silent',
  });
  bundle = bundled.outputFiles[0]!.text;
  emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    speechEngine: 'generated',
    requireKey: apiKey,
  });
  store = createStore(await backend.open());
  await publishTestAgent(store, 'bench', {
    instructions: 'Benchmark',
    transcriptionModel: null,
    turnDetection: { type: 'server_vad', silenceDurationMs: 300 },
  });
  parley = await createParleyServer({
    store,
    seedTemplates: false,
    upstream: { kind: 'openai', apiKey, baseUrl: `${emulator.httpUrl}/v1` },
    logger: silentLogger,
    admin: { password: 'admin-password-123' },
    limits: { maxSessionsPerClient: 50, sessionRequestsPerMinute: 1000 },
  });
  base = (await parley.listen({ port: 0, host: '127.0.0.1' })).url;
  browser = await launchChromium(playwright);
});

afterAll(async () => {
  await browser?.close();
  await parley?.close();
  await emulator?.close();
  await store?.close();
  await backend.cleanup();
});

async function open(choice: 'webrtc' | 'websocket'): Promise<playwright.Page> {
  const page = await browser.newPage({ bypassCSP: true });
  await page.goto(`${base}/health`);
  await page.addScriptTag({ content: bundle });
  await page.evaluate(
    (value) => (window as unknown as { startVoice(c: string): Promise<void> }).startVoice(value),
    choice,
  );
  return page;
}

const turn = (page: playwright.Page) =>
  page.evaluate(() => (window as unknown as { turn(): Promise<number | null> }).turn());

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) =>
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
  return { n: sorted.length, p50: at(50), p90: at(90), min: sorted[0]!, max: sorted.at(-1)! };
}

it('time to first agent audio: WebRTC against the WebSocket relay', async () => {
  const pages = { webrtc: await open('webrtc'), websocket: await open('websocket') };
  const results: Record<'webrtc' | 'websocket', number[]> = { webrtc: [], websocket: [] };
  // One warm-up turn each, not counted.
  await turn(pages.websocket);
  await turn(pages.webrtc);
  const loadBefore = loadavg()[0]!;
  for (let index = 0; index < TURNS; index++) {
    for (const choice of index % 2 === 0
      ? (['websocket', 'webrtc'] as const)
      : (['webrtc', 'websocket'] as const)) {
      const ms = await turn(pages[choice]);
      if (ms !== null) results[choice].push(ms);
    }
  }
  const loadAfter = loadavg()[0]!;
  const webrtc = summary(results.webrtc);
  const websocket = summary(results.websocket);
  console.log(
    [
      `time to first agent audio in Chromium, ${TURNS} turns each, same run (load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)})`,
      `  websocket (relay, first decoded delta): p50 ${websocket.p50.toFixed(1)} ms, p90 ${websocket.p90.toFixed(1)}, min ${websocket.min.toFixed(1)}, max ${websocket.max.toFixed(1)} (n=${websocket.n})`,
      `  webrtc (remote track, first audible sample): p50 ${webrtc.p50.toFixed(1)} ms, p90 ${webrtc.p90.toFixed(1)}, min ${webrtc.min.toFixed(1)}, max ${webrtc.max.toFixed(1)} (n=${webrtc.n})`,
      `  turns with no audio detected: websocket ${TURNS - websocket.n}, webrtc ${TURNS - webrtc.n}`,
      `  ratio webrtc/websocket p50: ${(webrtc.p50 / websocket.p50).toFixed(2)}`,
    ].join('\n'),
  );
  await pages.webrtc.close();
  await pages.websocket.close();
});
