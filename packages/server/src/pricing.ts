/**
 * Cost of a response from its `response.done` usage (USD per 1M tokens, by model prefix; the
 * list moves, so keep it data and check the date). Cached input is a subset of input.
 */

/** Prices of one model in USD per million tokens. */
export interface ModelPrices {
  textIn: number;
  textCached: number;
  textOut: number;
  audioIn: number;
  audioCached: number;
  audioOut: number;
}

const gptRealtime: ModelPrices = {
  textIn: 4,
  textCached: 0.4,
  textOut: 16,
  audioIn: 32,
  audioCached: 0.4,
  audioOut: 64,
};
const gptRealtime2: ModelPrices = { ...gptRealtime, textOut: 24 };
const mini: ModelPrices = {
  textIn: 0.6,
  textCached: 0.06,
  textOut: 2.4,
  audioIn: 10,
  audioCached: 0.3,
  audioOut: 20,
};

/** Longest matching prefix wins. */
const priceTable: [prefix: string, prices: ModelPrices][] = [
  ['gpt-realtime-2.1-mini', mini],
  ['gpt-realtime-mini', mini],
  [
    'gpt-4o-mini-realtime',
    { textIn: 0.6, textCached: 0.3, textOut: 2.4, audioIn: 10, audioCached: 0.3, audioOut: 20 },
  ],
  ['gpt-realtime-2', gptRealtime2],
  ['gpt-realtime', gptRealtime],
  [
    'gpt-4o-realtime-preview-2024-10-01',
    { textIn: 5, textCached: 2.5, textOut: 20, audioIn: 100, audioCached: 20, audioOut: 200 },
  ],
  [
    'gpt-4o-realtime',
    { textIn: 5, textCached: 2.5, textOut: 20, audioIn: 40, audioCached: 2.5, audioOut: 80 },
  ],
];

/** Prices for a model name (falls back to gpt-realtime's). */
export function pricesFor(model: string): ModelPrices {
  let best: [string, ModelPrices] | undefined;
  for (const entry of priceTable) {
    if (model.startsWith(entry[0]) && (!best || entry[0].length > best[0].length)) best = entry;
  }
  return best?.[1] ?? gptRealtime;
}

/** The subset of `response.done.response.usage` that cost depends on. */
export interface UsageTokens {
  input_tokens?: number | undefined;
  output_tokens?: number | undefined;
  input_token_details?:
    | {
        text_tokens?: number | undefined;
        audio_tokens?: number | undefined;
        cached_tokens?: number | undefined;
        cached_tokens_details?:
          { text_tokens?: number | undefined; audio_tokens?: number | undefined } | undefined;
      }
    | undefined;
  output_token_details?:
    { text_tokens?: number | undefined; audio_tokens?: number | undefined } | undefined;
}

/** USD cost of one response. */
export function costOf(model: string, usage: UsageTokens): number {
  const prices = pricesFor(model);
  const input = usage.input_token_details ?? {};
  const cached = input.cached_tokens_details ?? {};
  const output = usage.output_token_details ?? {};
  const textIn = input.text_tokens ?? 0;
  const audioIn = input.audio_tokens ?? 0;
  const cachedText = Math.min(cached.text_tokens ?? 0, textIn);
  const cachedAudio = Math.min(cached.audio_tokens ?? 0, audioIn);
  const usd =
    (textIn - cachedText) * prices.textIn +
    cachedText * prices.textCached +
    (audioIn - cachedAudio) * prices.audioIn +
    cachedAudio * prices.audioCached +
    (output.text_tokens ?? 0) * prices.textOut +
    (output.audio_tokens ?? 0) * prices.audioOut;
  return usd / 1_000_000;
}
