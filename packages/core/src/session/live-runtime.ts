// What a GPT-Live connection needs at run time, in one module the session imports lazily (when the
// credentials say `protocol: 'live'`): the Live reader and serializer, the Live adapter and the
// machine's Live handlers. A Realtime app never loads it (core's bundle budget, README).
import { decodeLiveServerEvent, encodeLiveCommand } from '../protocol/adapters/live.js';
import type { NeutralCommand, NeutralEvent } from '../protocol/adapters/neutral.js';
import type { LiveClientEvent } from '../protocol/live/client-events.js';
import { parseLiveServerEvent, serializeLiveClientEvent } from '../protocol/live/parse.js';

export { liveFamily } from '../machine/live.js';

/** One server frame: a parse error, or the event (for listeners) and its neutral events. */
export function readLiveFrame(data: string):
  | { error: string; event?: undefined; events?: undefined }
  | {
      error: null;
      event: { type: string; [key: string]: unknown };
      /** What to dispatch, without times: the neutral events, or an unknown event to count. */
      events: Array<
        | { type: 'neutral'; event: NeutralEvent }
        | { type: 'server'; event: { type: string; unknown: true; raw: Record<string, unknown> } }
      >;
    } {
  const parsed = parseLiveServerEvent(data);
  if (!parsed.success) return { error: parsed.error.message };
  const neutral = decodeLiveServerEvent(parsed.event);
  return {
    error: null,
    event: parsed.event as unknown as { type: string; [key: string]: unknown },
    // An event type this version does not know is counted, never a stall.
    events:
      neutral.length === 0
        ? [{ type: 'server', event: { type: parsed.event.type, unknown: true, raw: {} } }]
        : neutral.map((event) => ({ type: 'neutral', event })),
  };
}

/** The frames of one neutral command: its first event takes `eventId`, the next `eventId_1`… */
export function commandFrames(
  command: NeutralCommand,
  eventId: string,
): Array<{ frame: string; event: LiveClientEvent }> {
  return encodeLiveCommand(command).map((event, index) => {
    const withId = {
      ...event,
      event_id: index === 0 ? eventId : `${eventId}_${index}`,
    } as LiveClientEvent;
    return { frame: serializeLiveClientEvent(withId), event: withId };
  });
}

/** A `session.input_audio.append` frame of base64 audio. */
export function audioFrame(audio: string): string {
  return serializeLiveClientEvent({ type: 'session.input_audio.append', audio });
}
