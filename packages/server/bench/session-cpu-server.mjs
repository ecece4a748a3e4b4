// The Parley server (from dist/) in its own process for bench/session-cpu.mjs, with two published
// agents: `bench-realtime` (Realtime API) and `bench-live` (GPT-Live). It answers `usage` over
// IPC with its own process.cpuUsage() and memory, so the figures are this process's alone (the
// emulator, the load generator and the WebRTC peers run elsewhere).
// argv: <emulator http url> <api key> <data dir>
import { createParleyServer, silentLogger } from '../dist/index.js';
import { agentConfigSchema } from '../dist/schemas.js';

const [httpUrl, apiKey, dataDir] = process.argv.slice(2);
const parley = await createParleyServer({
  database: { dataDir },
  upstream: { kind: 'openai', apiKey, baseUrl: `${httpUrl}/v1` },
  logger: silentLogger,
  admin: { password: 'bench-admin-password' },
  seedTemplates: false,
  limits: {
    maxSessionsPerClient: 10_000,
    sessionRequestsPerMinute: 1_000_000,
    idleTimeoutMs: 600_000,
  },
});
const common = { instructions: 'Benchmark agent', turnDetection: null, transcriptionModel: null };
for (const [slug, config] of [
  ['bench-realtime', common],
  ['bench-live', { ...common, api: 'live', model: 'gpt-live-1' }],
])
  await parley.store.agents.create(
    { slug, name: slug, description: '', publish: true, config: agentConfigSchema.parse(config) },
    null,
  );
const { url } = await parley.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(JSON.stringify({ url }) + '\n');
process.on('SIGTERM', () => {
  void parley.close().then(() => process.exit(0));
});
process.on('message', (command) => {
  if (command !== 'usage') return;
  // A collection first (node --expose-gc) so that heap figures are live objects, not garbage.
  globalThis.gc?.();
  const { user, system } = process.cpuUsage();
  const { rss, heapUsed, external, arrayBuffers } = process.memoryUsage();
  process.send?.({ cpuMs: (user + system) / 1000, rss, heapUsed, external, arrayBuffers });
});
