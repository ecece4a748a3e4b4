import type { ProtocolCapabilities, ProtocolFamily } from '../../types.js';
import { REALTIME_CAPABILITIES } from './capabilities.js';
import { liveCapabilities } from './live.js';

/**
 * The capabilities of every family, one table. Assembled here rather than in ./capabilities.ts so
 * that a Realtime app's bundle carries only the Realtime rows (the Live one loads with Live).
 */
export const PROTOCOL_CAPABILITIES: Readonly<Record<ProtocolFamily, ProtocolCapabilities>> = {
  ...REALTIME_CAPABILITIES,
  live: liveCapabilities,
};
