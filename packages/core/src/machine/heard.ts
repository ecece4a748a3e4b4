// What the listener has heard of an assistant item: the transcript streams faster than its audio
// plays, and a barge-in cuts the audio short, so a UI shows the part not (yet) heard apart. Every
// binding needs the same answer, so it is computed here, from the item and the audio playhead.
import type { PlaybackPosition } from '../ports.js';
import type { ConversationItem } from '../types.js';
import { SAMPLES_PER_MS } from './items.js';
import { mediaPlayhead } from './spoken-length.js';
import type { MachineState } from './state.js';

/**
 * How much of one assistant item's audio has been heard and received, from
 * `VoiceSession.playhead(itemId)`. Not part of the snapshot: it moves with every audio frame.
 */
export interface ItemPlayhead {
  readonly itemId: string;
  /**
   * Milliseconds of the item's audio the listener has heard: samples rendered by the AudioPort
   * minus the output latency (the same measure a barge-in truncates at), never below 0.
   */
  readonly heardMs: number;
  /** Milliseconds of the item's audio received so far (grows while the audio streams in). */
  readonly receivedMs: number;
  /** The server has sent all of the item's audio. */
  readonly audioDone: boolean;
  /** The item's audio is (or may still be) playing: `heardMs` will move. */
  readonly playing: boolean;
}

/** An assistant transcript split at the playhead. `heard + unheard` is always the item's text. */
export interface HeardSplit {
  /** The part the listener has heard, cut back to a word boundary (an estimate). */
  readonly heard: string;
  /** The rest: streamed but not played yet, or (when `cut`) never to be played. */
  readonly unheard: string;
  /** True when the agent was interrupted: `unheard` was cut off and will not be heard. */
  readonly cut: boolean;
}

/**
 * Splits `text` at the share of its audio heard (`heardMs / receivedMs`), cut back to the end of
 * the last whole word, so a word is never shown half-heard. `heard + unheard` is always `text`;
 * `unheard` starts at the whitespace after the last heard word. The estimate assumes an even
 * speech rate over the item.
 *
 * @example
 * ```ts
 * splitHeardText('The weather in Paris is sunny today.', 1000, 2000);
 * // → { heard: 'The weather in', unheard: ' Paris is sunny today.', cut: false }
 * ```
 */
export function splitHeardText(text: string, heardMs: number, receivedMs: number): HeardSplit {
  if (!(receivedMs > 0) || !(heardMs > 0)) return { heard: '', unheard: text, cut: false };
  if (heardMs >= receivedMs) return { heard: text, unheard: '', cut: false };
  let end = Math.floor((text.length * heardMs) / receivedMs);
  // Back up to the end of the last whole word (`end` itself is the first unheard character).
  while (end > 0 && !isSpace(text.charCodeAt(end))) end -= 1;
  return { heard: text.slice(0, end), unheard: text.slice(end), cut: false };
}

function isSpace(code: number): boolean {
  // Space, tab, line breaks, no-break space and the ideographic space; NaN (past the end) is not.
  return code === 32 || (code >= 9 && code <= 13) || code === 0xa0 || code === 0x3000;
}

/**
 * The heard and not-yet-heard parts of an item's text, for a transcript UI:
 *
 * - an interrupted assistant item: `heard` is `item.heardText` (what the truncation kept) and
 *   `unheard` the part cut off, with `cut: true`;
 * - an assistant item whose audio is playing (`playhead.playing`): split at the playhead with
 *   {@link splitHeardText}, `cut: false`;
 * - anything else (user and text messages, finished or never-played audio, no playhead):
 *   everything is heard.
 *
 * Pure: pass `session.playhead(item.id)` (the bindings' `useHeardSplit` / `voice.heard(item)`
 * do it for you, once per frame while the item plays).
 *
 * @example
 * ```ts
 * const { heard, unheard, cut } = heardSplit(item, session.playhead(item.id));
 * ```
 */
export function heardSplit(
  item: ConversationItem,
  playhead: ItemPlayhead | null = null,
): HeardSplit {
  if (item.type === 'mcp_list_tools') return { heard: '', unheard: '', cut: false };
  if (item.type !== 'message') return { heard: item.arguments, unheard: '', cut: false };
  const text = item.text;
  if (item.role !== 'assistant') return { heard: text, unheard: '', cut: false };
  if (item.interrupted && (item.heardText !== null || item.audioEndMs !== null)) {
    if (item.heardText !== null && text.startsWith(item.heardText)) {
      return { heard: item.heardText, unheard: text.slice(item.heardText.length), cut: true };
    }
    // The text changed since the truncation (the server's final transcript): same share of it.
    const split = splitHeardText(text, item.audioEndMs ?? 0, item.audioMs);
    return { ...split, cut: true };
  }
  if (playhead !== null && playhead.playing && playhead.itemId === item.id) {
    return splitHeardText(text, playhead.heardMs, playhead.receivedMs);
  }
  return { heard: text, unheard: '', cut: false };
}

/**
 * The playhead of one assistant item from the machine state and the AudioPort's latest position
 * (`audio.position(itemId)`): what `VoiceSession.playhead` returns. `null` for items that are not
 * assistant messages, and for those with no audio that is not about to play. Over WebRTC (the
 * audio plays as media, no samples arrive) pass `now` (the session clock): heard is the time the
 * item has played, and received the length of its text at the session's speaking rate.
 */
export function itemPlayhead(
  state: MachineState,
  itemId: string,
  position: PlaybackPosition | null,
  now?: number,
): ItemPlayhead | null {
  const index = state.index.get(itemId);
  const record = index === undefined ? undefined : state.records[index];
  if (record?.view.type !== 'message' || record.view.role !== 'assistant') return null;
  if (state.mediaAudio && record.audioSamples === 0) {
    // WebRTC: the server plays the audio; heard is the time it has played (`now` is required).
    const media = now === undefined ? null : mediaPlayhead(state, itemId, now);
    return media === null ? null : { itemId, ...media, audioDone: false, playing: true };
  }
  const playing = state.playback?.itemId === itemId;
  if (record.audioSamples === 0 && !playing) return null;
  const heardMs =
    position !== null && position.itemId === itemId
      ? Math.max(0, position.playedSamples / SAMPLES_PER_MS - position.outputLatencyMs)
      : 0;
  return {
    itemId,
    heardMs,
    receivedMs: record.audioSamples / SAMPLES_PER_MS,
    audioDone: record.audioDone,
    playing,
  };
}
