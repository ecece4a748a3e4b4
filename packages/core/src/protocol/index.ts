// Public surface of the protocol layer for the browser, re-exported by name from the package
// entry: parsing server events, serializing client events, the beta translation, and the types.
// No schema library at run time (types only); the zod schemas are in ./schemas.ts, the
// `@parley/core/schemas` entry.
export { parseServerEvent, serializeClientEvent } from './parse.js';
export type { SerializeOptions } from './parse.js';
export { isUnknownEvent } from './frame.js';
export type { ParseOptions, ParseResult, UnknownEvent } from './frame.js';
export type { Dialect } from './dialect.js';
export { ProtocolError } from './errors.js';
export type { ProtocolIssue } from './errors.js';
export type { ParseWarning, Unparsed } from './warnings.js';
export type {
  ServerEvent,
  ServerEventOf,
  ServerEventType,
  TranscriptionUsage,
} from './server-events.js';
export type { ClientEvent, ClientEventOf, ClientEventType } from './client-events.js';
export type {
  AnySessionConfig,
  AudioFormat,
  McpTool,
  Reasoning,
  SessionConfig,
  SessionConfigPatch,
  Tool,
  ToolChoice,
  TranscriptionConfig,
  TranscriptionSessionConfig,
  TurnDetection,
  Voice,
} from './session.js';
export type { ClientItem, ContentPart, RealtimeItem, ResponsePart } from './items.js';
export type {
  RateLimit,
  RealtimeErrorPayload,
  RealtimeResponse,
  ResponseCreateParams,
  Usage,
} from './response.js';
export type { BetaAudioFormat, BetaSessionConfig } from './beta-schemas.js';
export type { DroppedField } from './beta-tables.js';
export { loadBetaDialect } from './beta-loader.js';
export {
  DEFAULT_REALTIME_MODEL,
  REALTIME_MODELS,
  REALTIME_VOICES,
  REASONING_EFFORTS,
  findRealtimeModel,
  isModelVariant,
} from './models.js';
export type { ReasoningEffort, RealtimeModelInfo, RealtimeVoiceName } from './models.js';
export type { Json } from './json.js';
// GPT-Live and the protocol adapters: types and constants only. The Live reader, serializer and
// adapter are imported by path where they run (session/live-runtime.ts, loaded lazily, and the
// `@parley/core/live` entry), so that a Realtime app's bundle carries none of them.
export type { LiveParseOptions } from './live/parse.js';
export type {
  LiveCloseReason,
  LiveErrorPayload,
  LiveServerEvent,
  LiveServerEventOf,
  LiveServerEventType,
} from './live/server-events.js';
export type {
  LiveClientEvent,
  LiveClientEventOf,
  LiveClientEventType,
} from './live/client-events.js';
export type {
  LiveAudioFormat,
  LiveDelegation,
  LiveFunctionTool,
  LiveInitialItem,
  LiveResponsesConfig,
  LiveForkSessionConfig,
  LiveSessionConfig,
  LiveSessionResource,
} from './live/session.js';
export {
  DEFAULT_LIVE_MODEL,
  DEFAULT_LIVE_VOICE,
  LIVE_LIMITS,
  LIVE_MODELS,
  LIVE_VOICES,
  isLiveModel,
} from './live/models.js';
export type { LiveVoiceName } from './live/models.js';
export { REALTIME_CAPABILITIES } from './adapters/capabilities.js';
export type { ProtocolCapabilities, ProtocolFamily } from './adapters/capabilities.js';
export type {
  LiveNeutralEvent,
  NeutralCommand,
  NeutralEvent,
  RealtimeNeutralEvent,
  SharedNeutralEvent,
} from './adapters/neutral.js';
export {
  decodeRealtimeServerEvent,
  encodeRealtimeCommand,
  RESUME_ITEM_PREFIX,
} from './adapters/realtime.js';
export type { OutgoingClientEvent } from './adapters/realtime.js';
