// `npm start`: install, build, and start the Parley server (API, relay, demo at /, admin at /admin)
// on the embedded default. No API key needed: without one the server runs the emulator in-process.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fail, install, root, run, runPnpm, say } from './bootstrap.mjs';
import { startEnvironment } from './start-options.mjs';

await install();
say('building every package and app (turbo run build)');
const built = await runPnpm(['turbo', 'run', 'build', '--output-logs=errors-only']);
if (built !== 0) fail('build failed (see above); nothing was started', built);

const serverCli = join(root, 'packages/server/dist/cli.js');
const emulatorCli = join(root, 'packages/emulator/dist/cli.js');
if (existsSync(serverCli)) {
  const env = startEnvironment(process.env);
  say(
    env.HOST === '127.0.0.1'
      ? 'starting the Parley server on this machine only (HOST=0.0.0.0 npm start opens it to the network)'
      : `starting the Parley server on ${env.HOST}`,
  );
  process.exit(await run(process.execPath, [serverCli, ...process.argv.slice(2)], { env }));
} else if (existsSync(emulatorCli)) {
  say(
    'the Parley server is not built yet (packages/server has no CLI), so the demo and the admin ' +
      'are NOT served. Starting only the Realtime emulator.',
  );
  process.exit(await run(process.execPath, [emulatorCli, ...process.argv.slice(2)]));
} else {
  fail('neither the Parley server nor the emulator exists yet: there is nothing to start.');
}
