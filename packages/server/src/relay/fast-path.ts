/**
 * The relay's hot path: audio and transcript deltas are most of the upstream traffic and need
 * nothing but forwarding, so their `type` is read from the frame's bytes and the frame is passed
 * on without being parsed.
 */
import type WebSocket from 'ws';

const typePrefix = Buffer.from('{"type":"');
const quote = 0x22;
const backslash = 0x5c;
const longestType = 96;

/**
 * Server events the relay forwards without parsing: it acts on none of their fields (at most on
 * their type, for timing and the idle timer). All are GA names that the core parser neither
 * renames nor adapts; anything else (beta names, items, usage, errors, session events) is parsed.
 */
export const forwardOnlyServerEvents: ReadonlySet<string> = new Set([
  'response.output_audio.delta',
  'response.output_audio.done',
  'response.output_audio_transcript.delta',
  'response.output_audio_transcript.done',
  'response.output_text.delta',
  'response.output_text.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.content_part.added',
  'response.content_part.done',
  'conversation.item.input_audio_transcription.delta',
  'input_audio_buffer.cleared',
  'input_audio_buffer.speech_started',
  'output_audio_buffer.started',
  'output_audio_buffer.stopped',
  'output_audio_buffer.cleared',
  'rate_limits.updated',
]);

/**
 * The `type` of a server frame that starts with `{"type":"…"` (as the service writes them),
 * read from the bytes without parsing; null otherwise (the caller then parses the frame).
 */
export function leadingType(frame: Buffer): string | null {
  const start = typePrefix.length;
  if (frame.length < start + 2 || typePrefix.compare(frame, 0, start) !== 0) return null;
  const limit = Math.min(frame.length, start + longestType + 1);
  for (let index = start; index < limit; index += 1) {
    const byte = frame[index]!;
    if (byte === quote) return frame.toString('latin1', start, index);
    // Escapes, control characters and non-ASCII: not a plain type name; parse the frame.
    if (byte === backslash || byte < 0x20 || byte > 0x7e) return null;
  }
  return null;
}

/** One buffer for whatever shape `ws` delivered a message in. */
export function asBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
