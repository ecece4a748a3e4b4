// Runs the emulator in its own process for the benchmark (argv: <api key> [speech engine]), so that neither the
// load generator nor the relay shares its event loop.
import { createRequire } from 'node:module';
import { startEmulator } from '@parley/emulator';
import { traceProbes } from './probe-trace.mjs';

// The emulator's own `ws` (its dependency may resolve to another copy than this package's).
traceProbes('emulator', createRequire(import.meta.resolve('@parley/emulator'))('ws'));

const emulator = await startEmulator({
  port: 0,
  host: '127.0.0.1',
  speechRate: Infinity,
  requireKey: process.argv[2],
  speechEngine: process.argv[3],
});
process.stdout.write(JSON.stringify({ url: emulator.url, httpUrl: emulator.httpUrl }) + '\n');
process.on('SIGTERM', () => {
  void emulator.close().then(() => process.exit(0));
});
