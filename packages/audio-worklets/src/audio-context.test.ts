import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectStreamSource, createAudioContext, outputLatencyMs } from './audio-context.js';

/** A stand-in AudioContext that behaves like Firefox: it refuses a microphone at a foreign rate. */
class FirefoxLikeContext {
  static created: FirefoxLikeContext[] = [];
  readonly sampleRate: number;
  state = 'running';
  outputLatency = 0;
  baseLatency = 0;

  constructor(options: { sampleRate?: number } = {}) {
    this.sampleRate = options.sampleRate ?? 48000;
    FirefoxLikeContext.created.push(this);
  }

  createMediaStreamSource(stream: { rate: number }): { stream: unknown } {
    if (stream.rate !== this.sampleRate) {
      const error = new Error(
        'Connecting AudioNodes from AudioContexts with different sample-rate is currently not supported.',
      );
      error.name = 'NotSupportedError';
      throw error;
    }
    return { stream };
  }

  close(): Promise<void> {
    this.state = 'closed';
    return Promise.resolve();
  }
}

afterEach(() => {
  vi.unstubAllGlobals();
  FirefoxLikeContext.created = [];
});

describe('connectStreamSource', () => {
  it('falls back to a device-rate context when the browser refuses a microphone at 24 kHz', async () => {
    vi.stubGlobal('AudioContext', FirefoxLikeContext);
    const requested = createAudioContext(24000) as unknown as FirefoxLikeContext;
    const stream = { rate: 48000 } as unknown as MediaStream;
    const { context, source } = await connectStreamSource(
      requested as unknown as AudioContext,
      stream,
      true,
    );
    expect(requested.state).toBe('closed');
    expect(context.sampleRate).toBe(48000);
    expect(source).toEqual({ stream });
    expect(FirefoxLikeContext.created.map((created) => created.sampleRate)).toEqual([24000, 48000]);
  });

  it('never closes a context it was given to share, and reports a typed error instead', async () => {
    vi.stubGlobal('AudioContext', FirefoxLikeContext);
    const shared = new FirefoxLikeContext({ sampleRate: 24000 });
    const stream = { rate: 48000 } as unknown as MediaStream;
    await expect(
      connectStreamSource(shared as unknown as AudioContext, stream, false),
    ).rejects.toMatchObject({
      reason: 'audio',
      code: 'audio_context_failed',
    });
    expect(shared.state).toBe('running');
  });
});

describe('createAudioContext', () => {
  it('opens at the device rate by default and retries there when a rate is refused', () => {
    class PickyContext extends FirefoxLikeContext {
      constructor(options: { sampleRate?: number } = {}) {
        if (options.sampleRate === 24000)
          throw new DOMException('unsupported rate', 'NotSupportedError');
        super(options);
      }
    }
    vi.stubGlobal('AudioContext', PickyContext);
    expect(createAudioContext().sampleRate).toBe(48000);
    expect(createAudioContext(24000).sampleRate).toBe(48000);
  });

  it('throws a typed error where there is no Web Audio', () => {
    vi.stubGlobal('AudioContext', undefined);
    expect(() => createAudioContext()).toThrow(
      expect.objectContaining({ code: 'audio_unsupported' }) as Error,
    );
  });
});

describe('outputLatencyMs', () => {
  it('prefers outputLatency, falls back to baseLatency, and is 0 when neither is known', () => {
    expect(
      outputLatencyMs({ outputLatency: 0.032, baseLatency: 0.01 } as AudioContext),
    ).toBeCloseTo(32);
    expect(outputLatencyMs({ outputLatency: 0, baseLatency: 0.01 } as AudioContext)).toBeCloseTo(
      10,
    );
    expect(outputLatencyMs({} as AudioContext)).toBe(0);
  });
});
