// Small helpers for reading JSON that came off the wire, shared by the parser and the adapters.

/** A JSON object as parsed, before any schema has looked at it. */
export type Json = Record<string, unknown>;

/** True for a plain JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * `table[key]` for own keys only. Keys come off the wire, and a plain lookup of "valueOf" or
 * "constructor" would find Object.prototype's members (the fuzz test found exactly that).
 */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

// Keys to copy from an input object. `__proto__` is never copied: assigning it would replace the
// prototype of the copy (the parsers strip it before adapting; this guards direct callers).
export function safeKeys(object: Json): string[] {
  return Object.keys(object).filter((key) => key !== '__proto__');
}
