// The espeak-ng engine costs about 50 MB: it must load on first use, not when the emulator starts.
import type * as WorkerThreads from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';

const workers = vi.hoisted(() => ({ created: 0 }));

vi.mock('node:worker_threads', async (importOriginal) => {
  const original = await importOriginal<typeof WorkerThreads>();
  class CountingWorker extends original.Worker {
    constructor(...args: ConstructorParameters<typeof original.Worker>) {
      super(...args);
      workers.created++;
    }
  }
  return { ...original, Worker: CountingWorker };
});

const { createSpeechSynthesizer, findEspeakModule } = await import('./speech.js');
const { startEmulator } = await import('./emulator.js');

afterEach(() => {
  workers.created = 0;
});

describe.runIf(findEspeakModule() !== null)('espeak-ng loads on first use', () => {
  it('starts no worker until the first synthesis, then shares that one worker', async () => {
    for (const engine of ['auto', 'espeak-ng'] as const) {
      workers.created = 0;
      const synthesizer = await createSpeechSynthesizer(engine);
      try {
        expect(synthesizer.engine).toBe('espeak-ng');
        expect(workers.created).toBe(0);
        const [first, second] = await Promise.all([
          synthesizer.synthesize('Hello there.', 'alloy', 1),
          synthesizer.synthesize('How are you?', 'echo', 1),
        ]);
        expect(first.engine).toBe('espeak-ng');
        expect(second.engine).toBe('espeak-ng');
        expect(first.samples.length).toBeGreaterThan(12000);
        await synthesizer.synthesize('Fine, thanks.', 'alloy', 1);
        expect(workers.created).toBe(1);
      } finally {
        await synthesizer.close();
      }
    }
  }, 30_000);

  it('an idle emulator has no engine loaded; a session starts loading it', async () => {
    const emulator = await startEmulator({ port: 0, speechEngine: 'auto' });
    try {
      expect(emulator.speechEngine).toBe('espeak-ng');
      expect(workers.created).toBe(0);
      const { default: WebSocket } = await import('ws');
      const socket = new WebSocket(`${emulator.url}?model=gpt-realtime`);
      await new Promise((resolve, reject) => {
        socket.once('message', resolve);
        socket.once('error', reject);
      });
      await vi.waitFor(() => expect(workers.created).toBe(1));
      socket.close();
    } finally {
      await emulator.close();
    }
  }, 30_000);
});
