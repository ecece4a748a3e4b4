/**
 * Test doubles for core's ports: a clock that moves on command, a transport a test plays the
 * server through, and an audio port with a controllable playhead. For tests only; not exported
 * from the package entry point, so they never reach an app bundle.
 */
export { FakeAudioPort } from './fake-audio-port.js';
export { FakeClock } from './fake-clock.js';
export { FakeTransport } from './fake-transport.js';
export type { FakeConnection } from './fake-transport.js';
export { createMachineHarness } from './machine-harness.js';
export type { MachineHarness } from './machine-harness.js';
export { fixtureNames, loadFixture } from './fixtures.js';
export type { RecordedEvent, RecordedFixture } from './fixtures.js';
