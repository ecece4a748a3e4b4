// Public surface of the protocol layer; re-exported by name from the package entry.
export {
  parseServerEvent,
  parseClientEvent,
  serializeClientEvent,
  isUnknownEvent,
} from './parse.js';
export type { ParseOptions, ParseResult, SerializeOptions, UnknownEvent } from './parse.js';
export { ProtocolError } from './errors.js';
export type { ProtocolIssue } from './errors.js';
export type { ParseWarning, Unparsed } from './lenient.js';
export { serverEventSchema, serverEventSchemas } from './server-events.js';
export type {
  ServerEvent,
  ServerEventOf,
  ServerEventType,
  TranscriptionUsage,
} from './server-events.js';
export { clientEventSchema, clientEventSchemas } from './client-events.js';
export type { ClientEvent, ClientEventOf, ClientEventType } from './client-events.js';
export {
  anySessionSchema,
  audioFormatSchema,
  sessionConfigSchema,
  toolSchema,
  toolChoiceSchema,
  transcriptionSchema,
  transcriptionSessionSchema,
  turnDetectionSchema,
  voiceSchema,
} from './session.js';
export type {
  AnySessionConfig,
  AudioFormat,
  McpTool,
  SessionConfig,
  Tool,
  ToolChoice,
  TranscriptionConfig,
  TranscriptionSessionConfig,
  TurnDetection,
  Voice,
} from './session.js';
export { clientItemSchema, contentPartSchema, itemSchema, responsePartSchema } from './items.js';
export type { ClientItem, ContentPart, RealtimeItem, ResponsePart } from './items.js';
export {
  errorPayloadSchema,
  rateLimitSchema,
  responseCreateParamsSchema,
  responseSchema,
  usageSchema,
} from './response.js';
export type {
  RateLimit,
  RealtimeErrorPayload,
  RealtimeResponse,
  ResponseCreateParams,
  Usage,
} from './response.js';
export { betaSessionSchema, betaResponseCreateParamsSchema } from './beta-schemas.js';
export type { BetaAudioFormat, BetaSessionConfig } from './beta-schemas.js';
export { toBetaSessionConfig, translateBetaSessionConfig } from './beta-session.js';
export type { DroppedField } from './beta-session.js';
