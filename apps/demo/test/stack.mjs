// Starts what the demo talks to, in-process and on loopback: the Parley emulator (no API key, no
// network) and the Parley server in front of it, serving the built demo at `/`. Shared by the
// end-to-end test and the latency benchmark.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator } from '@parley/emulator';
import { createParleyServer } from '@parley/server';

/**
 * @param {{ demoDir: string, speechRate?: number, speechEngine?: 'auto' | 'espeak-ng' | 'generated', limits?: Record<string, number> }} options
 */
export async function startStack(options) {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-demo-e2e-'));
  const emulator = await startEmulator({
    port: 0,
    host: '127.0.0.1',
    speechRate: options.speechRate ?? 1,
    ...(options.speechEngine ? { speechEngine: options.speechEngine } : {}),
  });
  let parley;
  try {
    parley = await createParleyServer({
      env: {},
      database: { dataDir },
      upstream: { kind: 'emulator', url: emulator.url },
      staticDirs: { demo: options.demoDir, admin: null },
      ...(options.limits ? { limits: options.limits } : {}),
      logger: { info() {}, warn() {}, error: (...args) => console.error(...args), debug() {} },
    });
  } catch (error) {
    await emulator.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const listening = await parley.listen({ port: 0, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${listening.port}`,
    parley,
    emulator,
    async close() {
      await parley.close().catch(() => undefined);
      await emulator.close().catch(() => undefined);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
