// Recording's CPU cost on the relay: the same conversations relayed with and without recording,
// in the same run (interleaved rounds, so the shared machine's load falls on both alike). The
// emulator runs in its own process and speaks in real time; the relay and the scripted browsers
// share this process, and the browsers' work is the same in both variants, so the difference of
// this process's CPU time is the recording's (placing audio, encoding Opus, writing the file).
// `pnpm --filter @parley/server bench:recording`.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import { silentLogger } from '../src/logger.js';
import { agentConfigSchema } from '../src/schemas.js';
import { createParleyServer } from '../src/server.js';
import type { ParleyServer } from '../src/server.js';
import { openDatabase } from '../src/storage/database.js';
import { createStore } from '../src/storage/store.js';

const apiKey = 'test-upstream-credential';
const sessions = 8;
const seconds = 10;
const rounds = 2;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let dataDir = '';
let parley: ParleyServer;
let url = '';
let emulator: ReturnType<typeof spawn>;

/** 20 ms of a tone (speaking) or silence, base64 PCM16. */
function frame(n: number, speaking: boolean): string {
  const pcm = Buffer.alloc(960);
  if (speaking)
    for (let i = 0; i < 480; i++)
      pcm.writeInt16LE(
        Math.round(9000 * Math.sin((2 * Math.PI * 440 * (n * 480 + i)) / 24000)),
        i * 2,
      );
  return pcm.toString('base64');
}

/** One conversation: a microphone streaming for `seconds` (1.5 s speech, 2.5 s silence, …), then hang up. */
async function converse(agentId: string): Promise<void> {
  const response = await fetch(`${url}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ agentId }),
  });
  const session = (await response.json()) as { url: string; ticket: string };
  const socket = new WebSocket(session.url, ['realtime', `parley-ticket.${session.ticket}`]);
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const started = performance.now();
  for (let n = 0; performance.now() - started < seconds * 1000; n++) {
    socket.send(
      JSON.stringify({ type: 'input_audio_buffer.append', audio: frame(n, n % 200 < 75) }),
    );
    const next = started + (n + 1) * 20;
    await sleep(Math.max(0, next - performance.now()));
  }
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.close(1000);
  });
}

async function round(agentId: string): Promise<number> {
  const before = process.cpuUsage();
  await Promise.all(Array.from({ length: sessions }, () => converse(agentId)));
  // Every session's writes (and recordings) stored before the clock stops.
  for (let i = 0; i < 100 && parley.activeSessions() > 0; i++) await sleep(50);
  await sleep(1500);
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-recording-bench-'));
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `import { startEmulator } from '@parley/emulator';
       const e = await startEmulator({ port: 0, host: '127.0.0.1', speechRate: 1, requireKey: ${JSON.stringify(apiKey)} });
       process.stdout.write(JSON.stringify({ httpUrl: e.httpUrl }) + '\\n');
       process.on('SIGTERM', () => void e.close().then(() => process.exit(0)));`,
    ],
    { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
  );
  emulator = child;
  const { httpUrl } = await new Promise<{ httpUrl: string }>((resolve) =>
    child.stdout!.once('data', (data: Buffer) =>
      resolve(JSON.parse(data.toString()) as { httpUrl: string }),
    ),
  );
  const store = createStore(await openDatabase({ dataDir }));
  for (const [slug, enabled] of [
    ['plain', false],
    ['recorded', true],
  ] as const)
    await store.agents.create(
      {
        slug,
        name: slug,
        description: '',
        publish: true,
        config: agentConfigSchema.parse({
          instructions: 'Bench.',
          transcriptionModel: null,
          recording: { enabled },
        }),
      },
      null,
    );
  parley = await createParleyServer({
    store,
    seedTemplates: false,
    logger: silentLogger,
    recording: { dataDir },
    limits: { sessionRequestsPerMinute: 10_000, maxSessionsPerClient: 1000 },
    upstream: { kind: 'openai', apiKey, baseUrl: `${httpUrl}/v1` },
  });
  url = (await parley.listen({ port: 0, host: '127.0.0.1' })).url;
});

afterAll(async () => {
  await parley?.close();
  await parley?.store.close();
  emulator?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
});

it('measures the relay CPU per session with and without recording', async () => {
  await round('plain'); // warm-up: JIT, the encoder's WebAssembly, the database
  await round('recorded');
  const plain: number[] = [];
  const recorded: number[] = [];
  for (let i = 0; i < rounds; i++) {
    plain.push(await round('plain'));
    recorded.push(await round('recorded'));
  }
  const perSession = (values: number[]) =>
    values.reduce((a, b) => a + b, 0) / values.length / sessions;
  const p = perSession(plain);
  const r = perSession(recorded);
  const figure = {
    sessions,
    seconds,
    rounds,
    cpuMsPerSessionPlain: Math.round(p),
    cpuMsPerSessionRecorded: Math.round(r),
    recordingCpuMsPerSessionSecond: Number(((r - p) / seconds).toFixed(1)),
    ratio: Number((r / p).toFixed(2)),
    load: loadavg()
      .map((value) => value.toFixed(1))
      .join(' '),
  };
  console.log(`relay CPU with and without recording: ${JSON.stringify(figure)}`);
  const recordings = await parley.store.database.db.selectFrom('recordings').select('id').execute();
  expect(recordings.length).toBe(sessions * (rounds + 1));
});
