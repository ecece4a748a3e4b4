// GPT-Live's wire vocabulary, browser side: the tolerant parser, the serializer, the constants and
// the types. No schema library at run time; the zod schemas are in ./schemas.ts, re-exported by
// `@parley/core/schemas`.
export { parseLiveServerEvent, serializeLiveClientEvent } from './parse.js';
export type { LiveParseOptions } from './parse.js';
export { isKnownLiveServerEventType } from './reader.js';
export type {
  LiveCloseReason,
  LiveErrorPayload,
  LiveServerEvent,
  LiveServerEventOf,
  LiveServerEventType,
} from './server-events.js';
export type { LiveClientEvent, LiveClientEventOf, LiveClientEventType } from './client-events.js';
export type {
  LiveAudioFormat,
  LiveDelegation,
  LiveForkSessionConfig,
  LiveFunctionTool,
  LiveInitialItem,
  LiveResponsesConfig,
  LiveSessionConfig,
  LiveSessionResource,
} from './session.js';
export {
  DEFAULT_LIVE_MODEL,
  DEFAULT_LIVE_VOICE,
  LIVE_LIMITS,
  LIVE_MODELS,
  LIVE_VOICES,
  isLiveModel,
} from './models.js';
export type { LiveVoiceName } from './models.js';
