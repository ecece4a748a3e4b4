/**
 * `@parley/core/audio`: the codecs a browser voice app's main thread never runs. G.711 (the 8 kHz
 * `audio/pcmu` / `audio/pcma` formats of telephony) is for servers and emulators; the streaming
 * resampler runs inside the audio worklets, which inline it into their processors. Kept out of the
 * package entry so what a page loads up front holds neither (core's bundle budget, README). The
 * PCM16 and base64 helpers a session uses stay in the package entry.
 *
 * @example
 * ```ts
 * import { createResampler, encodeMuLaw } from '@parley/core/audio';
 * const resampler = createResampler({ inputRate: 48000, outputRate: 24000 });
 * ```
 */
export { encodeMuLaw, decodeMuLaw, encodeALaw, decodeALaw } from './audio/g711.js';
export { createResampler } from './audio/resampler.js';
export type { Resampler, ResamplerOptions } from './audio/resampler.js';
