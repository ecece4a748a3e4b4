// `npm test`: install, build, and run every package's tests, browser tests included, then print one
// summary. It never skips the browser tests silently: without a Chromium it installs Debian's (when
// it can) or stops with a one-line instruction.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { findChromium } from './chromium.mjs';
import { fail, install, root, runPnpm, say } from './bootstrap.mjs';

function isDebianRoot() {
  return (
    existsSync('/etc/debian_version') &&
    typeof process.getuid === 'function' &&
    process.getuid() === 0
  );
}

function hasCommand(name) {
  return spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
}

function aptInstall(packages) {
  say(`installing Debian packages: ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const result = spawnSync('apt-get', ['install', '-y', '-qq', ...packages], {
    stdio: 'inherit',
    env,
  });
  return result.status === 0;
}

function ensureBrowserAndAudioTools() {
  let chromium = findChromium();
  // haproxy: the server's two-instance test starts one on loopback in front of two servers;
  // redis-server: the shared-state tests run on Redis too (started below when none runs).
  const missingTools = ['espeak-ng', 'sox', 'haproxy', 'redis-server'].filter(
    (tool) => !hasCommand(tool),
  );
  const wanted = [...(chromium ? [] : ['chromium']), ...missingTools];
  if (wanted.length > 0 && isDebianRoot()) {
    if (!aptInstall(wanted)) fail(`could not install ${wanted.join(', ')} with apt-get`);
    chromium = findChromium();
  }
  if (!chromium) {
    fail(
      'No Chromium found for the browser tests: install one (Debian: apt-get install -y chromium) or set CHROME_PATH.',
    );
  }
  const stillMissing = ['espeak-ng', 'sox', 'haproxy'].filter((tool) => !hasCommand(tool));
  if (stillMissing.length > 0) {
    fail(
      `The tests need ${stillMissing.join(' and ')}: install them (Debian: apt-get install -y espeak-ng sox haproxy redis-server).`,
    );
  }
  say(`browser tests use ${chromium}`);
  return chromium;
}

function workspaceDirs() {
  return ['packages', 'apps', 'examples'].flatMap((group) =>
    readdirSync(join(root, group), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => join(root, group, entry.name)),
  );
}

function readReport(dir) {
  const file = join(dir, '.vitest-report.json');
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

function portAnswers(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A local Redis for the shared-state tests: the one running on 6379, else one started here. */
async function ensureRedis() {
  if (process.env.REDIS_URL) return;
  if (!(await portAnswers(6379)) && hasCommand('redis-server')) {
    say('starting a local redis-server on 127.0.0.1:6379');
    spawnSync(
      'redis-server',
      [
        '--port',
        '6379',
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--daemonize',
        'yes',
      ],
      { stdio: 'inherit' },
    );
    for (let attempt = 0; attempt < 50 && !(await portAnswers(6379)); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  if (await portAnswers(6379)) process.env.REDIS_URL = 'redis://127.0.0.1:6379';
}

const chromium = ensureBrowserAndAudioTools();
await install();
await ensureRedis();

const backendLines = [
  process.env.DATABASE_URL
    ? 'PostgreSQL: storage, shared-state and multi-instance tests ran on DATABASE_URL'
    : 'PostgreSQL: DATABASE_URL is not set, so the PostgreSQL and multi-instance tests were SKIPPED',
  process.env.REDIS_URL
    ? 'Redis: shared-state and multi-instance Redis tests ran on REDIS_URL'
    : 'Redis: REDIS_URL is not set and no redis-server could be started, so the Redis tests were SKIPPED',
];
for (const line of backendLines) say(line);

for (const dir of workspaceDirs()) rmSync(join(dir, '.vitest-report.json'), { force: true });

say('building (turbo run build)');
const built = await runPnpm(['turbo', 'run', 'build', '--output-logs=errors-only']);
if (built !== 0) fail('build failed (see above); no tests were run', built);

// The packages must stay publishable as they are: publint over each package's packed files.
say('checking the packages (publint --strict)');
const packaged = await runPnpm(['turbo', 'run', 'publint', '--output-logs=errors-only']);
if (packaged !== 0)
  fail('publint found a packaging error (see above); no tests were run', packaged);

say('testing every package (turbo run test, one package at a time)');
const tested = await runPnpm(
  ['turbo', 'run', 'test', '--concurrency=1', '--continue', '--log-order=grouped'],
  { env: { CHROME_PATH: chromium } },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
const failures = [];
for (const dir of workspaceDirs()) {
  const name = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name;
  const report = readReport(dir);
  if (!report) {
    rows.push(`  ${name.padEnd(24)} no report (its test run did not finish)`);
    failed += 1;
    continue;
  }
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  failures.push(...failedTests(name, dir, report));
  rows.push(
    `  ${name.padEnd(24)} ${String(report.numPassedTests).padStart(5)} passed ${String(report.numFailedTests).padStart(3)} failed ${String(report.numPendingTests + report.numTodoTests).padStart(3)} skipped`,
  );
}
console.log(
  '\n[parley] test summary\n' +
    rows.join('\n') +
    '\n' +
    backendLines.map((line) => `  ${line}`).join('\n'),
);
// The summary is the part of a long CI log that survives truncation, so it names what failed and why.
if (failures.length > 0) console.log('\n[parley] failed tests\n' + failures.join('\n'));
console.log(`Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(tested !== 0 || failed > 0 ? 1 : 0);

function failedTests(name, dir, report) {
  const lines = [];
  for (const file of report.testResults ?? []) {
    const where = relative(dir, file.name ?? '');
    const failedCases = (file.assertionResults ?? []).filter((test) => test.status === 'failed');
    if (failedCases.length === 0 && file.status === 'failed')
      lines.push(`  ${name} ${where}: ${firstLine(file.message)}`);
    for (const test of failedCases)
      lines.push(
        `  ${name} ${where} > ${test.fullName}\n      ${firstLine(test.failureMessages?.[0])}`,
      );
  }
  return lines;
}

function firstLine(message) {
  return (
    String(message ?? 'no message')
      .split('\n')
      .find((line) => line.trim() !== '') ?? 'no message'
  );
}
