// The audio codecs: PCM16 and base64 are re-exported by name from the package entry, G.711 and
// the resampler from the `@parley/core/audio` entry (../audio.ts).
export { floatToPcm16, pcm16ToFloat, bytesToInt16, int16ToBytes } from './pcm16.js';
export { encodeBase64, decodeBase64 } from './base64.js';
export { encodeMuLaw, decodeMuLaw, encodeALaw, decodeALaw } from './g711.js';
export { createResampler } from './resampler.js';
export type { Resampler, ResamplerOptions } from './resampler.js';
