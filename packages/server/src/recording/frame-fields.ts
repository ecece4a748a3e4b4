/**
 * Reads one plain string field (`"name":"value"`, no escapes: ids and base64) out of a JSON frame
 * without parsing it. The relay forwards audio frames unparsed; recording needs only their audio
 * and item id, and a JSON parse of every 50-per-second audio frame would cost more than the copy.
 */
const quote = 0x22;
const backslash = 0x5c;
const patterns = new Map<string, Buffer>();

/** The value of string field `name` in `frame`, or null (absent, escaped or not a string). */
export function stringField(frame: Buffer | string, name: string): string | null {
  const bytes = typeof frame === 'string' ? Buffer.from(frame) : frame;
  let pattern = patterns.get(name);
  if (!pattern) {
    pattern = Buffer.from(`"${name}":"`);
    patterns.set(name, pattern);
  }
  const at = bytes.indexOf(pattern);
  if (at < 0) return null;
  const start = at + pattern.length;
  const end = bytes.indexOf(quote, start);
  if (end < 0) return null;
  // An escape means the value is not a plain id or base64 string: leave it to a parser.
  if (bytes.subarray(start, end).includes(backslash)) return null;
  return bytes.toString('latin1', start, end);
}

/** `item_id` and `audio_end_ms` of a browser's `conversation.item.truncate` (already checked). */
export function truncation(frame: Buffer | string): { itemId: string; audioEndMs: number } | null {
  const event = JSON.parse(frame.toString()) as { item_id?: unknown; audio_end_ms?: unknown };
  if (typeof event.item_id !== 'string' || typeof event.audio_end_ms !== 'number') return null;
  return { itemId: event.item_id, audioEndMs: event.audio_end_ms };
}
