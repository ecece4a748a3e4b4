import { AudioErrorCode, audioError } from './errors.js';

/** The rate Parley's audio crosses the network at. */
export const REALTIME_SAMPLE_RATE = 24000;

/**
 * Rate of the AudioContext: a number (e.g. 24000), or `'device'` for the hardware rate, the
 * default. Parley's worklets resample either way. At the device rate nothing converts the
 * microphone before the worklet; at 24000 Chrome converts it itself, and on a loaded machine its
 * converter was seen repeating 10 ms blocks, which Parley's own resampler never does.
 */
export type ContextSampleRate = number | 'device';

/** Creates an AudioContext at `sampleRate`, falling back to the device rate where that rate is refused. */
export function createAudioContext(sampleRate: ContextSampleRate = 'device'): AudioContext {
  if (typeof AudioContext === 'undefined') {
    throw audioError(AudioErrorCode.unsupported, 'This browser has no Web Audio API');
  }
  const options: AudioContextOptions = { latencyHint: 'interactive' };
  if (sampleRate !== 'device') options.sampleRate = sampleRate;
  try {
    return new AudioContext(options);
  } catch (error) {
    if (sampleRate === 'device') {
      throw audioError(
        AudioErrorCode.contextFailed,
        'The AudioContext could not be created',
        error,
      );
    }
    try {
      return new AudioContext({ latencyHint: 'interactive' });
    } catch (fallbackError) {
      throw audioError(
        AudioErrorCode.contextFailed,
        'The AudioContext could not be created',
        fallbackError,
      );
    }
  }
}

/**
 * Connects a microphone stream to a context. Firefox cannot connect a MediaStream to a context
 * running at another rate ("Connecting AudioNodes from AudioContexts with different sample-rate is
 * currently not supported"): then this closes `context`, opens one at the device rate and returns
 * that instead (only when `mayReplaceContext`: a shared context is never closed); the worklets
 * resample.
 */
export async function connectStreamSource(
  context: AudioContext,
  stream: MediaStream,
  mayReplaceContext: boolean,
): Promise<{ context: AudioContext; source: MediaStreamAudioSourceNode }> {
  try {
    return { context, source: context.createMediaStreamSource(stream) };
  } catch (error) {
    if (!mayReplaceContext || !(error instanceof Error) || error.name !== 'NotSupportedError') {
      throw audioError(
        AudioErrorCode.contextFailed,
        'The microphone could not be connected',
        error,
      );
    }
    await context.close().catch(() => undefined);
    const deviceContext = createAudioContext('device');
    try {
      return { context: deviceContext, source: deviceContext.createMediaStreamSource(stream) };
    } catch (retryError) {
      await deviceContext.close().catch(() => undefined);
      throw audioError(
        AudioErrorCode.contextFailed,
        'The microphone could not be connected',
        retryError,
      );
    }
  }
}

const loadedModules = new WeakMap<BaseAudioContext, Map<string, Promise<void>>>();

/**
 * Loads a worklet module into a context once, however many nodes ask for it. The URL must be one
 * the page's CSP allows as a script (`script-src 'self'` for a same-origin file); no `blob:` or
 * `data:` URL is ever used.
 */
export function loadWorkletModule(context: BaseAudioContext, url: string | URL): Promise<void> {
  if (!('audioWorklet' in context) || !context.audioWorklet) {
    return Promise.reject(
      audioError(
        AudioErrorCode.unsupported,
        'AudioWorklet is not available (it needs a secure context)',
      ),
    );
  }
  const href = String(url);
  let modules = loadedModules.get(context);
  if (!modules) {
    modules = new Map();
    loadedModules.set(context, modules);
  }
  let loading = modules.get(href);
  if (!loading) {
    loading = context.audioWorklet.addModule(href).catch((error: unknown) => {
      modules.delete(href);
      throw audioError(
        AudioErrorCode.workletLoadFailed,
        `The audio worklet ${href} could not be loaded`,
        error,
      );
    });
    modules.set(href, loading);
  }
  return loading;
}

const GESTURES = ['pointerdown', 'touchend', 'keydown', 'click'] as const;

/**
 * Resumes `context` (and runs `alsoOnGesture`, e.g. `audio.play()`) in the capture phase of the
 * first user gesture, the only moment iOS Safari lets audio start. Returns a function that removes
 * the listeners; they also remove themselves once the context runs.
 */
export function unlockOnGesture(
  context: AudioContext,
  alsoOnGesture: () => void = () => undefined,
): () => void {
  if (typeof document === 'undefined') return () => undefined;
  const unlock = (): void => {
    alsoOnGesture();
    if (context.state !== 'closed') {
      // iOS wants a sound started inside the gesture: a one-sample silent buffer is enough.
      try {
        const source = context.createBufferSource();
        source.buffer = context.createBuffer(1, 1, context.sampleRate);
        source.connect(context.destination);
        source.start();
      } catch {
        // The context may be closing; resume() below reports what matters.
      }
      context.resume().then(
        () => {
          if (context.state === 'running') remove();
        },
        () => undefined,
      );
    }
  };
  const remove = (): void => {
    for (const type of GESTURES) document.removeEventListener(type, unlock, true);
  };
  for (const type of GESTURES) document.addEventListener(type, unlock, true);
  return remove;
}

/** Resolves true when `context` runs within `timeoutMs`, false when it stays suspended (no gesture yet). */
export async function resumeWithin(context: AudioContext, timeoutMs: number): Promise<boolean> {
  if (context.state === 'running') return true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    const resumed = context.resume().then(
      () => true,
      () => false,
    );
    await Promise.race([resumed, timeout]);
  } finally {
    clearTimeout(timer);
  }
  return (context.state as AudioContextState) === 'running';
}

/** `outputLatency` (or `baseLatency`) of a context in ms, 0 where the browser reports neither. */
export function outputLatencyMs(context: AudioContext): number {
  const seconds = context.outputLatency || context.baseLatency || 0;
  return Number.isFinite(seconds) ? seconds * 1000 : 0;
}
