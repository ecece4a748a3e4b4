/**
 * @parley/server: sessions, a secure Realtime relay, tools, storage and the admin API.
 *
 * @example
 * ```ts
 * import { createParleyServer } from '@parley/server';
 *
 * const parley = await createParleyServer(); // reads OPENAI_API_KEY, DATABASE_URL, … from the env
 * const { url } = await parley.listen({ port: 8080 });
 * console.log(`Parley on ${url}`);
 * ```
 */
export { createParleyServer } from './server.js';
export type { ParleyLimits, ParleyServer, ParleyServerOptions } from './server.js';
export { createUpstream, upstreamFromEnv } from './upstream.js';
export type { Upstream, UpstreamOptions } from './upstream.js';
export { realtimeSession } from './session-config.js';
export { relayCloseCodes } from './relay/socket-pair.js';
export type { RelayCloseReason } from './relay/socket-pair.js';
export type { RelayLimits } from './relay/relay-timers.js';
export type {
  LiveDelegationHandler,
  LiveDelegationRequest,
  LiveTranscriptLine,
} from './relay/live/live-delegation-handler.js';
export { ticketProtocolPrefix } from './relay/relay-server.js';
export { checkClientFrame } from './relay/client-policy.js';
export type { PolicyDecision } from './relay/client-policy.js';
export {
  builtinTools,
  builtinToolDescriptions,
  analyzePropertyDeal,
} from './tools/builtin-tools.js';
export { runTool } from './tools/tool-runner.js';
export type { ToolRunContext } from './tools/tool-runner.js';
export { defaultVoicePreviewLimits, pcm16ToWav, synthesizePreview } from './admin/voice-preview.js';
export type { VoicePreviewLimits, VoicePreviewRequestOptions } from './admin/voice-preview.js';
export { signWebhook, webhookTool } from './tools/webhook-tool.js';
export {
  createUrlGuard,
  OutboundUrlRefusedError,
  parseOutboundAllowlist,
} from './tools/url-guard.js';
export type { UrlGuard } from './tools/url-guard.js';
export { ToolError } from './tools/types.js';
export type { ServerTool, ServerToolError, ToolContext, ToolResult } from './tools/types.js';
export { createMailer, createOutboxMailer } from './tools/mailer.js';
export type { MailMessage, Mailer, MailerOptions } from './tools/mailer.js';
export { agentTemplates, liveAgentTemplates, seedTemplates } from './templates.js';
export type { AgentTemplate } from './templates.js';
export { hashPassword, verifyPassword } from './admin/passwords.js';
export { consoleLogger, silentLogger } from './logger.js';
export type { Logger } from './logger.js';
export { openDatabase } from './storage/database.js';
export type { Database, DatabaseOptions } from './storage/database.js';
export type { DialectName } from './storage/migrations.js';
export { createStore } from './storage/store.js';
export type { Store } from './storage/store.js';
export { StoreError } from './storage/errors.js';
export type { StoreErrorCode } from './storage/errors.js';
