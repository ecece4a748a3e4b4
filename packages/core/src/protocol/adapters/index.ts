export { REALTIME_CAPABILITIES } from './capabilities.js';
export { PROTOCOL_CAPABILITIES } from './table.js';
export type { ProtocolCapabilities, ProtocolFamily } from './capabilities.js';
export type { NeutralCommand, NeutralEvent } from './neutral.js';
export { decodeLiveServerEvent, encodeLiveCommand, liveCapabilities } from './live.js';
