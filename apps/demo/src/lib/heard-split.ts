// Splits an assistant transcript into the part the listener has heard and the part still ahead
// of the playhead. The transcript streams faster than the audio plays, so the demo shows the part
// not yet heard in a lighter style. The estimate is proportional to audio played over audio
// received, cut back to a word boundary so a word is never shown half-heard.

/** `heard` + `ahead` is always `text`. */
export interface HeardSplit {
  heard: string;
  ahead: string;
}

/**
 * @param text the transcript so far
 * @param playedMs audio of this item rendered so far
 * @param receivedMs audio of this item received so far (the transcript's audio length)
 */
export function splitHeard(text: string, playedMs: number, receivedMs: number): HeardSplit {
  if (receivedMs <= 0 || playedMs <= 0) return { heard: '', ahead: text };
  const fraction = Math.min(1, playedMs / receivedMs);
  if (fraction >= 1) return { heard: text, ahead: '' };
  let cut = Math.floor(text.length * fraction);
  // Back up to the end of the last whole word.
  while (cut > 0 && !/\s/.test(text[cut] ?? ' ')) cut -= 1;
  return { heard: text.slice(0, cut), ahead: text.slice(cut) };
}
