import type * as BetaDialectModule from './beta-dialect.js';

// The retired beta dialect loads on demand: parsing and serializing are synchronous, so its
// translators must be loaded before the first beta frame (the session loads them when its
// credentials say `dialect: 'beta'`, before it opens the transport).

/** The beta dialect's translators (see ./beta-dialect.ts). */
export type BetaDialect = typeof BetaDialectModule;

let loaded: BetaDialect | null = null;

/** The beta translators if {@link loadBetaDialect} has run, else `null`. */
export function betaDialect(): BetaDialect | null {
  return loaded;
}

/**
 * Loads the beta dialect's translators (a separate chunk, so a GA app never downloads them).
 * `parseServerEvent` and `serializeClientEvent` need them for `dialect: 'beta'`; a voice session
 * whose credentials choose beta loads them itself. Resolves at once when already loaded.
 *
 * @example
 * ```ts
 * await loadBetaDialect();
 * const result = parseServerEvent(frame, { dialect: 'beta' });
 * ```
 */
export async function loadBetaDialect(): Promise<void> {
  loaded ??= await import('./beta-dialect.js');
}

/** The error text when a beta frame meets an unloaded dialect. */
export const betaNotLoaded = 'The beta dialect is not loaded: await loadBetaDialect() first';
