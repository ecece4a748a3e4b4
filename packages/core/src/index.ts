/**
 * @parley/core: the framework-agnostic heart of Parley.
 *
 * @example
 * ```ts
 * import type { AudioPort, Transport } from '@parley/core';
 * ```
 */
// The vocabulary (bottom layer) and the ports; see the layer map in README.md.
export type {
  AudioLevels,
  AudioPort,
  AudioPortEvents,
  Clock,
  Credentials,
  CredentialsProvider,
  EnqueueOptions,
  PlaybackPosition,
  TimerHandle,
  Transport,
  TransportCloseInfo,
  TransportHandlers,
  TransportMedia,
  TransportOpenInfo,
  TransportStats,
} from './ports.js';
export type {
  ConversationItem,
  FunctionCallItem,
  FunctionCallStatus,
  ItemStatus,
  JsonSchema,
  McpApprovalDecision,
  McpApprovalRequestItem,
  McpCallError,
  McpCallItem,
  McpCallStatus,
  McpItem,
  McpListedTool,
  McpListToolsItem,
  MessageItem,
  ModelPrice,
  SessionDiagnostics,
  SessionMetrics,
  TokenUsage,
  ToolCallError,
  ToolContext,
  ToolDefinition,
  TurnMetrics,
  TurnState,
  UsageSummary,
  VoiceSessionSnapshot,
  ProtocolCapabilities,
  ProtocolFamily,
  VoiceSessionStatus,
} from './types.js';
export type {
  AppendContextOptions,
  LiveContextChannel,
  McpApprovalAnswer,
  McpApprovalHandler,
  ReconnectOptions,
  ResponseOptions,
  VoiceSession,
  VoiceSessionEvents,
  VoiceSessionOptions,
} from './session/types.js';
export { ParleyError, isParleyError } from './errors.js';
export type { ParleyErrorReason } from './errors.js';
// Protocol layer: parse server events, serialize client events, the beta dialect, the wire
// types. See ./protocol/index.ts; the zod schemas are in the `@parley/core/schemas` entry.
export {
  parseServerEvent,
  serializeClientEvent,
  isUnknownEvent,
  ProtocolError,
  // The beta dialect loads on demand (the session does it for beta credentials); its tables and
  // session translation, for servers that speak beta, are in the `@parley/core/schemas` entry.
  loadBetaDialect,
  // Models and voices.
  DEFAULT_REALTIME_MODEL,
  REALTIME_MODELS,
  REALTIME_VOICES,
  REASONING_EFFORTS,
  findRealtimeModel,
  isModelVariant,
  // GPT-Live: models, voices, limits and capabilities (the reader and adapter: @parley/core/live).
  REALTIME_CAPABILITIES,
  DEFAULT_LIVE_MODEL,
  DEFAULT_LIVE_VOICE,
  LIVE_LIMITS,
  LIVE_MODELS,
  LIVE_VOICES,
  isLiveModel,
  // The id prefix of a Parley server's replayed items (a resumed conversation), never shown twice.
  RESUME_ITEM_PREFIX,
} from './protocol/index.js';
export type {
  ParseOptions,
  ParseResult,
  SerializeOptions,
  UnknownEvent,
  ProtocolIssue,
  ParseWarning,
  Unparsed,
  ServerEvent,
  ServerEventOf,
  ServerEventType,
  TranscriptionUsage,
  ClientEvent,
  ClientEventOf,
  ClientEventType,
  AnySessionConfig,
  AudioFormat,
  McpTool,
  Reasoning,
  SessionConfig,
  Tool,
  ToolChoice,
  TranscriptionConfig,
  TranscriptionSessionConfig,
  TurnDetection,
  Voice,
  ClientItem,
  ContentPart,
  RealtimeItem,
  ResponsePart,
  RateLimit,
  RealtimeErrorPayload,
  RealtimeResponse,
  ResponseCreateParams,
  Usage,
  BetaAudioFormat,
  BetaSessionConfig,
  DroppedField,
  ReasoningEffort,
  RealtimeModelInfo,
  RealtimeVoiceName,
  Dialect,
  SessionConfigPatch,
  LiveParseOptions,
  LiveCloseReason,
  LiveErrorPayload,
  LiveServerEvent,
  LiveServerEventOf,
  LiveServerEventType,
  LiveClientEvent,
  LiveClientEventOf,
  LiveClientEventType,
  LiveAudioFormat,
  LiveDelegation,
  LiveFunctionTool,
  LiveInitialItem,
  LiveResponsesConfig,
  LiveForkSessionConfig,
  LiveSessionConfig,
  LiveSessionResource,
  LiveVoiceName,
  NeutralCommand,
  NeutralEvent,
} from './protocol/index.js';
// Audio codecs a session uses: PCM16 and base64. G.711 and the streaming resampler (servers, the
// audio worklets) are in the `@parley/core/audio` entry.
export {
  floatToPcm16,
  pcm16ToFloat,
  bytesToInt16,
  int16ToBytes,
  encodeBase64,
  decodeBase64,
} from './audio/index.js';
// Session (engineer B): the voice session, its machine, transports and tools.
export { createVoiceSession } from './session/voice-session.js';
export { parleyServerCredentials, sessionCredentials } from './session/parley-credentials.js';
export type {
  ParleyServerCredentialsOptions,
  ParleySessionGrant,
} from './session/parley-credentials.js';
export { systemClock } from './system-clock.js';
export { isSessionActive } from './session/session-status.js';
export { LATENCY_DEFINITION } from './latency-definition.js';
// Cadence: when bindings deliver the session's changes to views. See ./cadence/.
export {
  NOTIFY_INTERVAL_MS,
  clockSchedule,
  createNotifyScheduler,
} from './cadence/notify-scheduler.js';
export type { NotifyScheduler, ScheduleFunction } from './cadence/notify-scheduler.js';
export {
  createLevelsStore,
  createPlayheadStore,
  createSnapshotStore,
  silentAudioLevels,
} from './cadence/stores.js';
export type {
  ExternalStore,
  LevelsSource,
  PlayheadSource,
  SnapshotSource,
} from './cadence/stores.js';
export { createWebSocketTransport, webSocketHandshake } from './transport/websocket-transport.js';
// WebRTC loads as its own chunk on the first WebRTC connect; only the selector is in the entry.
export { createTransport } from './transport/transport-choice.js';
export type { TransportChoice, TransportChoiceOptions } from './transport/transport-choice.js';
export type {
  AudioSink,
  GetUserMedia,
  WebRtcFailure,
  WebRtcTransportOptions,
} from './transport/webrtc-transport.js';
export type {
  WebSocketConstructor,
  WebSocketHandshake,
  WebSocketLike,
  WebSocketTransportOptions,
} from './transport/websocket-transport.js';
export { defineTool } from './tools/define-tool.js';
// One tool runner for browser and server tools: validation, AbortSignal, timeout on a Clock, errors as data.
export { runTool, describeToolFailure, errorOutput } from './tools/run-tool.js';
export type {
  ArgumentCheck,
  RunnableTool,
  RunToolOptions,
  ToolFailure,
  ToolRun,
} from './tools/run-tool.js';
export { reduce, BENIGN_ERROR_CODES } from './machine/reducer.js';
export { initialState } from './machine/state.js';
export type { MachineConfig, MachineState } from './machine/state.js';
export type { MachineEvent, TimerName } from './machine/events.js';
export type { MachineEffect } from './machine/effects.js';
export {
  defaultPrices,
  costOf,
  findPrice,
  liveCost,
  modelCost,
  tokenUsageOf,
} from './machine/pricing.js';
// What the listener has heard of an assistant item (with `VoiceSession.playhead`).
export { heardSplit, itemPlayhead, splitHeardText } from './machine/heard.js';
export type { HeardSplit, ItemPlayhead } from './machine/heard.js';
