// The emulator under load, in its own process so its CPU and memory are measured apart from the load generator.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startEmulator } from '../dist/index.js';

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();

const emulator = await startEmulator({ port: 0, speechRate: 1 });
process.send({ ready: true, port: emulator.port, speechEngine: emulator.speechEngine });
process.on('message', async (message) => {
  if (message === 'stats') {
    // Event-loop delay since the last stats call: how late the emulator itself ran its timers and sockets.
    process.send({
      stats: {
        cpu: process.cpuUsage(),
        memory: process.memoryUsage(),
        connections: emulator.connections,
        at: performance.now(),
        loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      },
    });
    loopDelay.reset();
  } else if (message === 'close') {
    await emulator.close();
    process.exit(0);
  }
});
