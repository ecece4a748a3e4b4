#!/usr/bin/env node
/**
 * `parley-server`: serves the API, the relay, the built demo at `/` and the admin console at
 * `/admin` on `PORT` (default 8080). Configuration comes from the environment (see the README).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createParleyServer } from './server.js';

const env = process.env;

function staticDir(variable: string, fallback: string): { path: string; exists: boolean } {
  const path = env[variable] || fileURLToPath(new URL(fallback, import.meta.url));
  return { path, exists: existsSync(path) };
}

const usage = `Usage: parley-server [--port <port>] [--host <address>]

Serves the Parley API, the realtime relay, the demo at / and the admin console at /admin.
Configuration comes from the environment: PORT, HOST, DATABASE_URL, PARLEY_DATA_DIR,
OPENAI_API_KEY, OPENAI_BASE_URL, AZURE_OPENAI_ENDPOINT/_API_KEY/_DEPLOYMENT,
PARLEY_ADMIN_EMAIL, PARLEY_ADMIN_PASSWORD, SMTP_URL, PARLEY_MAIL_FROM, PARLEY_DEMO_DIR,
PARLEY_ADMIN_DIR, PARLEY_PUBLIC_URL, PARLEY_ALLOWED_ORIGINS, PARLEY_TRUST_PROXY,
PARLEY_OUTBOUND_ALLOWLIST, PARLEY_DRAIN_TIMEOUT_MS.`;

/** Reads `--port`/`--host` (flags win over the environment). */
function parseArguments(argv: readonly string[]): { port?: string; host?: string } {
  const parsed: { port?: string; host?: string } = {};
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    const [flag, inline] = argument.split('=', 2) as [string, string | undefined];
    if (flag === '--help' || flag === '-h') {
      console.log(usage);
      process.exit(0);
    }
    if (flag === '--port' || flag === '--host') {
      const value = inline ?? argv[(index += 1)];
      if (value === undefined) {
        console.error(`[parley] ${flag} needs a value\n\n${usage}`);
        process.exit(1);
      }
      parsed[flag === '--port' ? 'port' : 'host'] = value;
      continue;
    }
    console.error(`[parley] unknown argument "${argument}"\n\n${usage}`);
    process.exit(1);
  }
  return parsed;
}

async function main(): Promise<void> {
  const flags = parseArguments(process.argv.slice(2));
  const demo = staticDir('PARLEY_DEMO_DIR', '../../../apps/demo/dist/');
  const admin = staticDir('PARLEY_ADMIN_DIR', '../../../apps/admin/dist/');
  const port = Number(flags.port ?? (env.PORT || 8080));
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`[parley] PORT must be a port number, got "${env.PORT ?? ''}"`);
    process.exit(1);
  }
  const parley = await createParleyServer({
    staticDirs: { demo: demo.exists ? demo.path : null, admin: admin.exists ? admin.path : null },
    ...(env.PARLEY_PUBLIC_URL ? { publicUrl: env.PARLEY_PUBLIC_URL } : {}),
  });
  const { url } = await parley.listen({ port, host: flags.host ?? (env.HOST || '0.0.0.0') });
  const lines = [
    '',
    // performance.now() counts from process start, so this includes loading every module.
    `Parley is running (ready in ${Math.round(performance.now())} ms)`,
    `  Upstream:  ${parley.upstream.description}`,
    `  Storage:   ${parley.store.database.description}`,
    demo.exists
      ? `  Demo:      ${url}/`
      : `  Demo:      not served: ${demo.path} does not exist (build it: pnpm --filter @parley/demo build)`,
    admin.exists
      ? `  Admin:     ${url}/admin/`
      : `  Admin:     console not served: ${admin.path} does not exist (build it: pnpm --filter @parley/admin build)`,
    `  Admin API: ${url}/api/admin`,
    `  Sessions:  POST ${url}/api/sessions`,
    `  Relay:     ${url.replace(/^http/, 'ws')}/api/realtime`,
  ];
  if (parley.upstream.kind === 'emulator') {
    lines.push(
      '',
      '  No OPENAI_API_KEY is set: conversations use the built-in emulator (deterministic, offline).',
    );
  }
  if (parley.setupToken) {
    lines.push(
      '',
      '  No admin exists yet. Create one in the admin console with this one-time setup token:',
      `    ${parley.setupToken}`,
      '  (or start with PARLEY_ADMIN_PASSWORD set).',
    );
  }
  console.log(lines.join('\n') + '\n');

  let closing = false;
  const drainMs = Number(env.PARLEY_DRAIN_TIMEOUT_MS || 30_000);
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    const started = performance.now();
    console.log(`[parley] ${signal}: draining (handing live conversations over), then exiting`);
    // Past the drain deadline plus time to close storage, exit regardless.
    const timer = setTimeout(() => process.exit(1), drainMs + 10_000);
    timer.unref();
    parley
      .drain({ deadlineMs: drainMs })
      .then(({ handedOver, timedOut }) => {
        console.log(
          `[parley] drained ${handedOver} conversations in ${Math.round(performance.now() - started)} ms${timedOut ? ' (deadline reached)' : ''}`,
        );
        return parley.close();
      })
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error('[parley] shutdown failed', error);
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error('[parley] could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
