import type { Json } from './json.js';
import type { ParseOptions } from './frame.js';

// The machine's hottest server events, read without the reader's tables: 20 ms of output audio
// arrives every 20 ms, with transcript deltas alongside. The checks are exactly their specs in
// server-event-reader.ts (`response_id item_id output_index content_index delta`: ids and the
// delta strings, indices numbers; every other field passed through as it arrived). A frame that
// fails a check, or comes in the beta dialect, takes the general path, which words the issues.

/** The GA types read here (their reader spec must stay `response_id:s item_id:s …`). */
export const hotDeltaTypes = [
  'response.output_audio.delta',
  'response.output_audio_transcript.delta',
];

/** True when `event` is a GA hot delta whose read fields all pass as they are. */
export function isHotDelta(event: Json, options: ParseOptions | undefined): boolean {
  return (
    options?.dialect !== 'beta' &&
    hotDeltaTypes.includes(event.type as string) &&
    typeof event.response_id === 'string' &&
    typeof event.item_id === 'string' &&
    typeof event.output_index === 'number' &&
    typeof event.content_index === 'number' &&
    typeof event.delta === 'string'
  );
}
