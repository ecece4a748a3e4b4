/**
 * Which browser events the relay passes upstream. A browser may stream and commit audio, add
 * user text, ask for or cancel a response (without overriding instructions, tools or anything
 * else the published agent fixes), truncate, and return outputs of its own tools. Anything else
 * is answered with an `error` event and not forwarded.
 */
import { parseClientEvent } from '@parley/core/schemas';

/** The relay's answer to one browser frame. */
export type PolicyDecision<Frame = string> =
  | { allow: true; type: string; frame: Frame; callId?: string }
  | { allow: false; code: string; message: string; eventId: string | null };

/** Fields of `response.create.response` a browser may set (the rest would change the agent). */
const allowedResponseFields = new Set(['metadata']);

function deny(code: string, message: string, eventId: unknown): PolicyDecision {
  return { allow: false, code, message, eventId: typeof eventId === 'string' ? eventId : null };
}

const appendPrefix = Buffer.from('{"type":"input_audio_buffer.append","audio":"');
const quote = 0x22;
const closeBrace = 0x7d;
const equals = 0x3d;
/** 1 for the bytes of the base64 alphabet (`A-Z a-z 0-9 + /`), as `base64Audio` below. */
const base64Alphabet = new Uint8Array(256);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/')
  base64Alphabet[char.charCodeAt(0)] = 1;
/** What `input_audio_buffer.append` may carry as `audio` (the fast path checks the same bytes). */
const base64Audio = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * True for exactly `{"type":"input_audio_buffer.append","audio":"<base64>"}`: non-empty audio of
 * base64 characters with at most two `=` of padding, nothing else. Such a frame needs no JSON
 * parse: no escape or quote can occur inside it, so it holds exactly these two keys, and it is
 * byte for byte what {@link checkClientFrame} would forward for it. Anything else (other keys,
 * whitespace, another order, an `event_id`) takes the full check.
 */
export function isPlainAppend(frame: Uint8Array): boolean {
  const start = appendPrefix.length;
  const end = frame.length - 2;
  if (end <= start || frame[end] !== quote || frame[end + 1] !== closeBrace) return false;
  if (appendPrefix.compare(frame, 0, start) !== 0) return false;
  let index = start;
  while (index < end && base64Alphabet[frame[index]!] === 1) index += 1;
  if (index < end && frame[index] === equals) index += 1;
  if (index < end && frame[index] === equals) index += 1;
  return index === end;
}

/**
 * Checks one browser frame as received (UTF-8 bytes). A plain audio append, most of the
 * traffic, is allowed as is, unparsed; every other frame goes through {@link checkClientFrame}.
 * The decision is the same as `checkClientFrame(frame.toString())`'s, with the same bytes
 * forwarded (the property tests hold this). Sizes are bounded before either path: the relay's
 * socket refuses frames over 4 MiB (`maxPayload`, close 1009).
 */
export function checkClientBytes(
  frame: Buffer,
  clientCalls: ReadonlySet<string>,
): PolicyDecision<string | Buffer> {
  if (isPlainAppend(frame)) return { allow: true, type: 'input_audio_buffer.append', frame };
  return checkClientFrame(frame.toString('utf8'), clientCalls);
}

/**
 * Checks one browser frame. `clientCalls` holds the call ids of calls to browser-run tools that
 * still wait for an output. The forwarded frame is re-serialized from the parsed event, so what
 * upstream reads is exactly what was checked (duplicate keys cannot smuggle fields past).
 */
export function checkClientFrame(data: string, clientCalls: ReadonlySet<string>): PolicyDecision {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return deny('invalid_json', 'the frame is not valid JSON', null);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return deny('invalid_event', 'an event must be a JSON object', null);
  }
  const record = raw as Record<string, unknown>;
  const eventId = record.event_id;
  // Audio appends are most of the traffic: check them directly, without the full schema.
  if (record.type === 'input_audio_buffer.append') {
    if (typeof record.audio !== 'string' || !base64Audio.test(record.audio)) {
      return deny('invalid_event', 'input_audio_buffer.append needs base64 `audio`', eventId);
    }
    const frame = JSON.stringify(
      typeof eventId === 'string'
        ? { type: 'input_audio_buffer.append', event_id: eventId, audio: record.audio }
        : { type: 'input_audio_buffer.append', audio: record.audio },
    );
    return { allow: true, type: 'input_audio_buffer.append', frame };
  }
  const parsed = parseClientEvent(record);
  if (!parsed.success) return deny('invalid_event', parsed.error.message, eventId);
  const event = parsed.event as Record<string, unknown> & { type: string };
  if ('unknown' in event && event.unknown === true) {
    return deny('event_not_allowed', `"${event.type}" is not a known client event`, eventId);
  }
  switch (event.type) {
    case 'input_audio_buffer.commit':
    case 'input_audio_buffer.clear':
    case 'response.cancel':
    case 'conversation.item.truncate':
      return { allow: true, type: event.type, frame: JSON.stringify(event) };
    case 'response.create': {
      const response = event.response as Record<string, unknown> | undefined;
      const overrides = Object.keys(response ?? {}).filter(
        (key) => !allowedResponseFields.has(key),
      );
      if (overrides.length > 0) {
        return deny(
          'override_not_allowed',
          `the agent's configuration is fixed by the server; response.create may not set ${overrides.join(', ')}`,
          eventId,
        );
      }
      return { allow: true, type: event.type, frame: JSON.stringify(event) };
    }
    case 'conversation.item.create': {
      const item = event.item as Record<string, unknown> & { type?: string };
      if (item.type === 'message') {
        const content = Array.isArray(item.content)
          ? (item.content as Record<string, unknown>[])
          : [];
        const textOnly = content.length > 0 && content.every((part) => part.type === 'input_text');
        if (item.role !== 'user' || !textOnly) {
          return deny(
            'item_not_allowed',
            'a browser may only add user messages with input_text content',
            eventId,
          );
        }
        return { allow: true, type: event.type, frame: JSON.stringify(event) };
      }
      if (item.type === 'function_call_output') {
        const callId = typeof item.call_id === 'string' ? item.call_id : '';
        if (!clientCalls.has(callId)) {
          return deny(
            'item_not_allowed',
            'that call is not a pending call of a browser tool',
            eventId,
          );
        }
        return { allow: true, type: event.type, frame: JSON.stringify(event), callId };
      }
      return deny(
        'item_not_allowed',
        `a browser may not create "${String(item.type)}" items`,
        eventId,
      );
    }
    default:
      return deny(
        'event_not_allowed',
        `"${event.type}" is managed by the server and not accepted from the browser`,
        eventId,
      );
  }
}
