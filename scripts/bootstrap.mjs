// Shared by `npm start`, `npm test` and `pnpm bench`: finds the pinned pnpm (or fetches it with
// npx), installs the workspace, and runs commands with clear, honest output.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager.replace(
  /^pnpm@/,
  '',
);

/** Prints a line prefixed so that Parley's own messages stand out from the tools' output. */
export function say(message) {
  console.log(`\n[parley] ${message}`);
}

let pnpmCommand;

/** The command that runs the pinned pnpm: a global one when its version matches, else npx. */
export function pnpm() {
  if (pnpmCommand) return pnpmCommand;
  const probe = spawnSync('pnpm', ['--version'], {
    encoding: 'utf8',
    shell: process.platform === 'win32',
  });
  if (probe.status === 0 && probe.stdout.trim() === pinned) {
    pnpmCommand = ['pnpm'];
  } else {
    say(
      `using pnpm ${pinned} through npx (found ${probe.status === 0 ? probe.stdout.trim() : 'none'})`,
    );
    pnpmCommand = ['npx', '--yes', `pnpm@${pinned}`];
  }
  return pnpmCommand;
}

/** Runs a command with inherited output; resolves with its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: root,
      stdio: 'inherit',
      shell: process.platform === 'win32',
      ...options,
      env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', ...(options.env ?? {}) },
    });
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on('error', (error) => {
      console.error(error);
      resolve(1);
    });
  });
}

/** Runs the pinned pnpm with arguments. */
export function runPnpm(args, options) {
  const [command, ...prefix] = pnpm();
  return run(command, [...prefix, ...args], options);
}

/** Installs dependencies exactly as locked; stops the process on failure. */
export async function install() {
  say('installing dependencies (pnpm install --frozen-lockfile)');
  const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
  const code = await runPnpm(['install', ...frozen]);
  if (code !== 0) fail('dependency install failed (see above)', code);
}

/** Prints one clear line and exits with the code. */
export function fail(message, code = 1) {
  console.error(`\n[parley] ${message}`);
  process.exit(code || 1);
}
