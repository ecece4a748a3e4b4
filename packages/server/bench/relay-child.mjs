// Runs a Parley server (from dist/) in its own process for the benchmark, so that the relay
// does not share an event loop with the emulator or the load generator.
// argv: <emulator http url> <api key> <data dir>
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createParleyServer, silentLogger } from '../dist/index.js';
import { agentConfigSchema } from '../dist/schemas.js';
import WebSocket from 'ws';
import { traceProbes } from './probe-trace.mjs';

traceProbes('relay', WebSocket);

const [httpUrl, apiKey, dataDir] = process.argv.slice(2);
const parley = await createParleyServer({
  database: { dataDir },
  upstream: { kind: 'openai', apiKey, baseUrl: `${httpUrl}/v1` },
  logger: silentLogger,
  admin: { password: 'bench-admin-password' },
  limits: {
    maxSessionsPerClient: 10_000,
    sessionRequestsPerMinute: 1_000_000,
    idleTimeoutMs: 600_000,
  },
});
const agent = await parley.store.agents.create(
  {
    slug: 'bench',
    name: 'Bench',
    description: '',
    publish: true,
    config: {
      instructions: 'Benchmark agent',
      model: 'gpt-realtime',
      voice: 'marin',
      outputModality: 'audio',
      speed: 1,
      turnDetection: null,
      transcriptionModel: null,
      language: null,
      tools: [],
      clientTools: [],
      notifyEmail: null,
      allowDirect: false,
      maxSessionSeconds: 3600,
      greeting: null,
    },
  },
  null,
);
const { url } = await parley.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url, agentId: agent.id }) + '\n');
process.on('SIGTERM', () => {
  void parley.close().then(() => process.exit(0));
});

// The bench asks for this process's own figures over a window: how busy its event loop was and
// how late timers fired (event-loop delay, i.e. how long an arriving frame may wait to be read).
// The delay monitor's timer wakes the process every 10 ms, and only inside a measuring window.
const delay = monitorEventLoopDelay({ resolution: 10 });
let since = performance.eventLoopUtilization();
process.on('message', (command) => {
  if (command === 'reset') {
    delay.reset();
    delay.enable();
    since = performance.eventLoopUtilization();
    process.send?.({ ok: true });
  } else if (command === 'report') {
    const { active, idle } = performance.eventLoopUtilization(since);
    delay.disable();
    // The histogram records the whole interval between ticks: lateness is what exceeds 10 ms.
    process.send?.({ active, idle, delayP99: Math.max(0, delay.percentile(99) / 1e6 - 10) });
  }
});
