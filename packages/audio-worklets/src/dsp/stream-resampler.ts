// The worklets resample with core's streaming resampler (a Kaiser-windowed sinc polyphase FIR,
// free of DOM and Node APIs); esbuild inlines just that module into each worklet bundle.
import { createResampler, type Resampler } from '@parley/core/audio';

/** A stateful resampler fed one block at a time (core's `Resampler`). */
export type StreamResampler = Resampler;

/** Creates core's anti-aliased streaming resampler from `inputRate` to `outputRate`. */
export function createStreamResampler(inputRate: number, outputRate: number): StreamResampler {
  return createResampler({ inputRate, outputRate });
}
