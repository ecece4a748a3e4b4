// WebRTC benchmark of @parley/server (issue 17), run by bench/run.mjs (or alone:
// BENCH_ONLY=webrtc): the time to an SDP answer through `POST /api/calls` (the server checks the
// request, loads the agent and its tools, places the call upstream with the key and attaches the
// sideband) against posting the same offer with the same session straight to the emulator's
// `/v1/realtime/calls`, in the same run, alternating one of each so the machine's load falls on
// both alike. The emulator runs in its own process; the Parley server in this one.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  createParleyServer,
  createStore,
  openDatabase,
  realtimeSession,
  silentLogger,
} from '../dist/index.js';
import { agentConfigSchema } from '../dist/schemas.js';

const offer = readFileSync(
  new URL('../src/webrtc/__fixtures__/offer.sdp', import.meta.url),
  'utf8',
);

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function timed(request) {
  const started = performance.now();
  const response = await request();
  const body = await response.text();
  const ms = performance.now() - started;
  if (response.status !== 201) throw new Error(`answered ${response.status}: ${body}`);
  return { ms, response };
}

/** Answer times through the server against straight to the emulator (`rounds` of each). */
export async function webrtcBenchmarks({ row, emulator, apiKey, rounds = 40 }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-webrtc-'));
  const store = createStore(await openDatabase({ dataDir }));
  const parley = await createParleyServer({
    store,
    seedTemplates: false,
    logger: silentLogger,
    upstream: { kind: 'openai', apiKey, baseUrl: `${emulator.httpUrl}/v1` },
    limits: { maxSessionsPerClient: 10_000, sessionRequestsPerMinute: 100_000 },
  });
  const { url } = await parley.listen({ port: 0, host: '127.0.0.1' });
  const config = agentConfigSchema.parse({
    instructions: 'Benchmark agent',
    tools: ['search_knowledge_base'],
  });
  await store.agents.create(
    { slug: 'bench-webrtc', name: 'Bench', description: '', publish: true, config },
    null,
  );
  // The same session the server places the call with (tools included), posted as it is.
  const tools = [
    {
      type: 'function',
      name: 'search_knowledge_base',
      description: 'x',
      parameters: { type: 'object' },
    },
  ];
  const session = JSON.stringify(realtimeSession(config, tools, { includeModel: true }));
  const direct = () => {
    const form = new FormData();
    form.set('sdp', offer);
    form.set('session', session);
    return fetch(`${emulator.httpUrl}/v1/realtime/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}` },
      body: form,
    });
  };
  const throughServer = () =>
    fetch(`${url}/api/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'bench-webrtc', sdp: offer }),
    });
  const times = { server: [], direct: [] };
  try {
    // Warm up both paths (lazy modules, the first TLS-free connection, the agent's tools).
    for (let i = 0; i < 3; i++) {
      await timed(throughServer);
      const warm = await timed(direct);
      await hangup(emulator, warm.response, apiKey);
    }
    for (let i = 0; i < rounds; i++) {
      const viaServer = await timed(throughServer);
      times.server.push(viaServer.ms);
      const straight = await timed(direct);
      times.direct.push(straight.ms);
      await hangup(emulator, straight.response, apiKey);
    }
  } finally {
    await parley.close();
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  for (const p of [50, 99]) {
    const server = percentile(times.server, p);
    const baseline = percentile(times.direct, p);
    row(`WebRTC: SDP answer through POST /api/calls, p${p}`, server, 'ms', {
      baseline: `straight to the emulator's /v1/realtime/calls, p${p} (same run, ${rounds} each)`,
      baselineValue: Math.round(baseline * 100) / 100,
      ratio: Math.round((server / baseline) * 100) / 100,
    });
  }
}

async function hangup(emulator, response, apiKey) {
  const callId = (response.headers.get('location') ?? '').split('/').pop();
  await fetch(`${emulator.httpUrl}/v1/realtime/calls/${callId}/hangup`, {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}` },
  });
}
