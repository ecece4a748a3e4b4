/**
 * `@parley/core/test-utils`: test doubles for apps and bindings built on Parley. Not part of the
 * main entry point, so they never reach an app bundle; import them from tests only.
 *
 * - Ports: {@link FakeClock} (timers fire on `advance()`), {@link FakeTransport} (play the server,
 *   drop the socket), {@link FakeAudioPort} (a playhead moved with `play(itemId, samples)`).
 * - A real session on those fakes: {@link createTestSession}, with `server.*` event builders.
 * - A scripted session for UI tests: {@link createFakeVoiceSession} (push snapshots, levels and
 *   playheads; records commands), and item builders for its snapshots.
 * - {@link createMachineHarness}: drives the pure reducer by hand.
 * - {@link installFakeBrowser}: `WebSocket`, `fetch` (the Parley server) and, optionally,
 *   `RTCPeerConnection` faked on the globals, for what a session picks by default.
 *
 * @example
 * ```ts
 * import { assistantMessage, createFakeVoiceSession } from '@parley/core/test-utils';
 *
 * const session = createFakeVoiceSession({ status: 'connected' });
 * session.setSnapshot({ items: [assistantMessage('a1', 'Hello there')] });
 * ```
 */
export { FakeAudioPort } from './fake-audio-port.js';
export { FakeClock } from './fake-clock.js';
export { FakeTransport } from './fake-transport.js';
export { FakeBrowserPeer, FakeBrowserSocket, installFakeBrowser } from './fake-browser.js';
export type { FakeBrowser } from './fake-browser.js';
export type { FakeConnection } from './fake-transport.js';
export {
  FakeVoiceSession,
  createFakeVoiceSession,
  fakeLevels,
  idleSnapshot,
} from './fake-voice-session.js';
export { assistantMessage, functionCallItem, userMessage } from './items.js';
export { createTestSession, pcmBase64, server, settle } from './session-kit.js';
export { createMachineHarness } from './machine-harness.js';
export type { MachineHarness } from './machine-harness.js';
export {
  bargeIn,
  clientDelegation,
  closeRequested,
  closedFor,
  liveResponsesSessionResource,
  liveSequences,
  liveSessionResource,
  muteUnmute,
  responsesDelegation,
  silentOutputDelta,
  startupAndExchange,
  typedInput,
} from './live-sequences.js';
export type { LiveSequence, LiveSequenceStep } from './live-sequences.js';
