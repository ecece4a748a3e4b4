/**
 * Schemas of the Parley admin API and of agent configuration: the request bodies the server
 * validates (a body that fails is answered with 400 and the zod issues) and the shapes of its
 * responses. Browser-safe: this module imports nothing but zod, so the admin console imports it
 * as `@parley/server/schemas` and validates forms with the very same rules the server applies.
 *
 * @example
 * ```ts
 * import { agentCreateSchema } from '@parley/server/schemas';
 * const result = agentCreateSchema.safeParse(formValues);
 * if (!result.success) showIssues(result.error.issues);
 * ```
 */
// One module per concept under ./schemas/; this entry re-exports them all.
export * from './schemas/agent-config.js';
export * from './schemas/mcp-servers.js';
export * from './schemas/auth.js';
export * from './schemas/agents.js';
export * from './schemas/tools.js';
export * from './schemas/knowledge.js';
export * from './schemas/conversations.js';
export * from './schemas/leads.js';
export * from './schemas/analytics.js';
export * from './schemas/sessions.js';
export * from './schemas/admin-tools.js';
export * from './schemas/ledger.js';
export * from './schemas/post-call.js';
export * from './schemas/recording.js';
export * from './schemas/experiments.js';
