import * as z from 'zod';
import type { ParseWarning, Unparsed } from './warnings.js';

// Parsing is synchronous, so one module-level sink is enough to collect the warnings raised by
// `.catch` handlers deep inside a zod parse without threading a context through every schema.
let sink: ParseWarning[] | undefined;

/** Runs `fn` and returns what it returned together with the warnings raised meanwhile. */
export function withWarnings<T>(fn: () => T): { value: T; warnings: ParseWarning[] } {
  const previous = sink;
  const warnings: ParseWarning[] = [];
  sink = warnings;
  try {
    return { value: fn(), warnings };
  } finally {
    sink = previous;
  }
}

/** Records a warning in the current sink (no-op outside {@link withWarnings}). */
export function warn(path: string, message: string, value: unknown): void {
  sink?.push({ path, message, value });
}

/** Schema of {@link Unparsed}, so that re-validating a parsed event succeeds. */
export const unparsedSchema = z.object({ type: z.literal('unparsed'), raw: z.unknown() });

/**
 * Wraps a schema for a nested, non-essential value inside server events (content parts, output
 * items): when it does not match, the value becomes an {@link Unparsed} placeholder and a warning,
 * instead of failing the whole event. Essential fields (ids, deltas) stay strict.
 */
export function lenient<T extends z.ZodType>(schema: T, label: string) {
  return z.union([schema, unparsedSchema]).catch((ctx): Unparsed => {
    warn(label, `unreadable ${label} kept as { type: 'unparsed', raw }`, ctx.value);
    return { type: 'unparsed', raw: ctx.value };
  });
}

/**
 * Like {@link lenient} for optional detail objects (token details): an unreadable value becomes
 * `undefined` and a warning that keeps it.
 */
export function optionalDetail<T extends z.ZodType>(schema: T, label: string) {
  return schema.optional().catch((ctx): undefined => {
    warn(label, `unreadable ${label} dropped`, ctx.value);
    return undefined;
  });
}
