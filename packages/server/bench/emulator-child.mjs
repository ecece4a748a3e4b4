// Runs the emulator in its own process for the benchmark (argv: <api key>), so that neither the
// load generator nor the relay shares its event loop.
import { startEmulator } from '@parley/emulator';

const emulator = await startEmulator({
  port: 0,
  host: '127.0.0.1',
  speechRate: Infinity,
  requireKey: process.argv[2],
});
process.stdout.write(JSON.stringify({ url: emulator.url, httpUrl: emulator.httpUrl }) + '\n');
process.on('SIGTERM', () => {
  void emulator.close().then(() => process.exit(0));
});
