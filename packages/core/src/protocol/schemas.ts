// The zod schemas of the Realtime protocol and the client-event parser built on them: the
// `@parley/core/schemas` entry. They describe every field of every event as the official types
// do (never stricter), and are the one source of the wire types that the package entry exports.
// Servers, relays and emulators use them to check what a browser sends; the browser itself
// reads server events with ./server-event-reader.ts and never loads zod for it.
export { parseClientEvent } from './parse-client.js';
// The beta dialect for servers that speak it (the emulator) or read its configs: the tables of
// names and formats, and the session translation both ways.
export {
  betaFormatToGa,
  betaSessionFieldPaths,
  betaToGaServerEventType,
  gaFormatToBeta,
  itemContentToBeta,
} from './beta-tables.js';
export { toBetaSessionConfig, translateBetaSessionConfig } from './beta-session.js';
export { serverEventSchema, serverEventSchemas } from './server-events.js';
export { clientEventSchema, clientEventSchemas } from './client-events.js';
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
export { clientItemSchema, contentPartSchema, itemSchema, responsePartSchema } from './items.js';
export {
  errorPayloadSchema,
  rateLimitSchema,
  responseCreateParamsSchema,
  responseSchema,
  usageSchema,
} from './response.js';
export {
  betaAudioFormatSchema,
  betaSessionSchema,
  betaResponseCreateParamsSchema,
} from './beta-schemas.js';
export * from './live/schemas.js';
