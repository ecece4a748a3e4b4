/**
 * @parley/core/schemas: the zod schemas of the Realtime protocol and `parseClientEvent`, for
 * servers, relays and emulators that check what a browser sends. Kept out of the package entry
 * so that a browser app does not ship a schema library it never runs.
 *
 * @example
 * ```ts
 * import { parseClientEvent } from '@parley/core/schemas';
 * const result = parseClientEvent(frame);
 * if (!result.success) reject(result.error.message);
 * ```
 */
export * from './protocol/schemas.js';
