// GPT-Live models, voices and limits as of 2026-12-06 (live-protocol.md §§3.4, 10; the `openai`
// package 7.60.0, whose `BuiltInVoice` list wins over the reference's newer-SDK list: it spells
// the Japanese voice `shida`, and the nine newest voices are not in it yet). Prices live in the
// machine's single price table, keyed by these model names.

/** The Live models, newest first. */
export const LIVE_MODELS = [
  { id: 'gpt-live-1.1', released: '2026-11-20' },
  { id: 'gpt-live-1', released: '2026-09-10' },
] as const;

/** The default model for new Live agents. */
export const DEFAULT_LIVE_MODEL = 'gpt-live-1.1';

/** The built-in voices of the 7.60.0 types (any string is accepted by the API's type). */
export const LIVE_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'beacon',
  'bossa',
  'cedar',
  'cinder',
  'coral',
  'delta',
  'echo',
  'gleam',
  'marin',
  'meridian',
  'quartz',
  'ripple',
  'sage',
  'shida',
  'shimmer',
  'stone',
  'tempo',
  'verse',
  'vesper',
  'willow',
] as const;
/** A built-in Live voice name. */
export type LiveVoiceName = (typeof LIVE_VOICES)[number];

/** The default voice (`audio.output.voice`). */
export const DEFAULT_LIVE_VOICE = 'marin';

/** Limits of the Live API (§10 of the reference). Token limits are approximated by characters. */
export const LIVE_LIMITS = {
  /** `session.start.session.instructions`, client-supplied tokens. */
  instructionsTokens: 16_384,
  /** Each `session.*.append` `content`. */
  appendTokens: 500,
  /**
   * Characters per append that stays under 500 tokens in practice (the reference's §6.3: a third
   * party caps at 1,400): what Parley chunks to.
   */
  appendCharacters: 1_400,
  /** Startup `input`: messages. */
  inputMessages: 128,
  /** Startup `input`: rendered tokens in all. */
  inputTokens: 8_192,
  /** Context window, tokens, audio included. */
  contextTokens: 128_000,
} as const;

/** True for a model name of the Live family (`gpt-live-1`, `gpt-live-1.1`, dated or suffixed). */
export function isLiveModel(model: string): boolean {
  return /^gpt-live-\d/.test(model);
}
