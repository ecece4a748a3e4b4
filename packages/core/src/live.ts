/**
 * `@parley/core/live`: GPT-Live's wire vocabulary at run time, for code that reads or writes Live
 * frames itself (a relay, a recorder, a test): the tolerant reader, the serializer and the Live
 * adapter (wire ↔ neutral events). A `VoiceSession` needs none of this: it loads the same modules
 * on its own when a connection speaks Live. The types and constants are in the package entry, the
 * zod schemas in `@parley/core/schemas`.
 *
 * @example
 * ```ts
 * import { parseLiveServerEvent } from '@parley/core/live';
 * const result = parseLiveServerEvent(frame);
 * if (result.success && result.event.type === 'session.closed') log(result.event.reason);
 * ```
 */
export {
  parseLiveServerEvent,
  serializeLiveClientEvent,
  isKnownLiveServerEventType,
} from './protocol/live/index.js';
export {
  decodeLiveServerEvent,
  encodeLiveCommand,
  liveCapabilities,
} from './protocol/adapters/live.js';
export { PROTOCOL_CAPABILITIES } from './protocol/adapters/table.js';
export type { LiveParseOptions, NeutralCommand, NeutralEvent } from './protocol/index.js';
