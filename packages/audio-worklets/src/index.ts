/**
 * @parley/audio-worklets: microphone capture and speaker playback for Parley voice sessions,
 * through AudioWorklets: 24 kHz PCM16 frames from any device rate, a jitter buffer with an exact
 * per-item playhead for truncation, instant flush, levels, device selection and iOS unlock.
 *
 * @example
 * ```ts
 * import { createAudioPort } from '@parley/audio-worklets';
 *
 * const audio = createAudioPort();
 * await audio.start(); // inside a click handler
 * audio.on('frame', (pcm16) => sendAudio(pcm16));
 * audio.enqueue(itemId, pcm16Delta);
 * const heard = await audio.flush(); // on barge-in: { itemId, playedSamples, outputLatencyMs }
 * ```
 */
export { createAudioPort } from './audio-port.js';
export type { AudioPortOptions, AudioPortState, ParleyAudioPort } from './audio-port.js';
export { createMicrophone, listDevices, watchDevices } from './microphone.js';
export type {
  AudioDevice,
  InputLevel,
  Microphone,
  MicrophoneEvents,
  MicrophoneFrame,
  MicrophoneOptions,
  MicrophoneState,
} from './microphone.js';
export { createPlayer } from './player.js';
export type {
  OutputLevel,
  PlaybackStats,
  Player,
  PlayerEvents,
  PlayerOptions,
  PlayerOutput,
  PlayerState,
} from './player.js';
export { AudioErrorCode } from './errors.js';
export { REALTIME_SAMPLE_RATE, unlockOnGesture } from './audio-context.js';
export type { ContextSampleRate } from './audio-context.js';
export { defaultCaptureWorkletUrl, defaultPlaybackWorkletUrl } from './worklet-urls.js';
