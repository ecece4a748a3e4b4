import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createParleyServer } from '../src/server.js';
import type { ParleyServer } from '../src/server.js';
import { silentLogger } from '../src/logger.js';
import { testBackends } from '../src/test-utils/databases.js';
import { createStore } from '../src/storage/store.js';

// The real built apps, as the CLI serves them (CI builds them before the tests run).
const demoDir = fileURLToPath(new URL('../../../apps/demo/dist', import.meta.url));
const adminDir = fileURLToPath(new URL('../../../apps/admin/dist', import.meta.url));
const apiKey = 'fake-key-served-apps-check-9f8e7d6c5b4a';

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...filesUnder(path));
    else out.push(path);
  }
  return out;
}

const [sqlite] = testBackends();

describe('the served demo and admin bundles', () => {
  let parley: ParleyServer;
  let base: string;

  beforeAll(async () => {
    parley = await createParleyServer({
      store: createStore(await sqlite!.open()),
      upstream: { kind: 'openai', apiKey, baseUrl: 'http://127.0.0.1:9/v1' },
      logger: silentLogger,
      staticDirs: { demo: demoDir, admin: adminDir },
      env: { OPENAI_API_KEY: apiKey },
    });
    base = (await parley.listen({ port: 0, host: '127.0.0.1' })).url;
  });

  afterAll(async () => {
    await parley?.close();
    await parley?.store.close();
    await sqlite!.cleanup();
  });

  it('never contain the API key, in any file the server serves', async () => {
    const served = [
      ...filesUnder(demoDir).map((file) => `/${relative(demoDir, file)}`),
      ...filesUnder(adminDir).map((file) => `/admin/${relative(adminDir, file)}`),
      '/',
      '/admin/',
      '/api/health',
      '/api/agents',
    ];
    for (const path of served) {
      const response = await fetch(`${base}${path}`);
      const body = await response.text();
      expect(body, path).not.toContain(apiKey);
    }
  });

  it('serves the built apps at / and /admin when they exist', async () => {
    const demo = await fetch(`${base}/`);
    expect(demo.status).toBe(existsSync(join(demoDir, 'index.html')) ? 200 : 404);
    const admin = await fetch(`${base}/admin/`);
    expect(admin.status).toBe(existsSync(join(adminDir, 'index.html')) ? 200 : 404);
  });
});
