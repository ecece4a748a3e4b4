// What a parse tolerates instead of failing. Plain types, no schema library: the browser parser
// (server-event-reader.ts) and the zod schemas (lenient.ts) both report through them.

/**
 * Something a parse tolerated instead of failing: an elided or malformed nested value that was
 * replaced by a placeholder or dropped, a value of a kind or enum member this version does not
 * know, a dangerous key that was removed, or a field the other dialect has no place for. The
 * original value is kept in `value`, so nothing is lost silently.
 */
export interface ParseWarning {
  /** Dotted path of the tolerated value inside the event, e.g. `response.output.0`. */
  path: string;
  /** What was tolerated and why. */
  message: string;
  /** The original value, exactly as it arrived. */
  value: unknown;
}

/**
 * A nested value that the server sent but could not be read: it was elided by a logger (the
 * `"[Object]"` strings of Node's `util.inspect`), or is not an object with a string `type`. It
 * keeps the raw value so a consumer (or a later version) can still look at it.
 */
export interface Unparsed {
  type: 'unparsed';
  raw: unknown;
}
