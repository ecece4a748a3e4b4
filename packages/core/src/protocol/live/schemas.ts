// The zod schemas of GPT-Live and the client-event parser built on them, for servers, relays and
// emulators (re-exported by `@parley/core/schemas`).
export { parseLiveClientEvent } from './parse-client.js';
export {
  LIVE_CLOSE_REASONS,
  liveErrorPayloadSchema,
  liveServerEventSchema,
  liveServerEventSchemas,
  liveSessionUsageSchema,
} from './server-events.js';
export {
  LIVE_CONTROL_CLIENT_EVENTS,
  liveClientEventSchema,
  liveClientEventSchemas,
} from './client-events.js';
export {
  liveAudioFormatSchema,
  liveBackendToolSchema,
  liveClientConfigSchema,
  liveDelegationSchema,
  liveDelegationUpdateSchema,
  liveForkSessionConfigSchema,
  liveFunctionToolSchema,
  liveInitialItemSchema,
  liveResponsesConfigSchema,
  liveResponsesUpdateSchema,
  liveServerEventSelectorSchema,
  liveSessionConfigSchema,
  liveSessionResourceSchema,
  liveSessionUpdateSchema,
  liveVoiceSchema,
} from './session.js';
