import type { Usage } from '../protocol/index.js';
import { isModelVariant } from '../protocol/models.js';
import type { ModelPrice, TokenUsage } from '../types.js';

/**
 * List prices in USD per million tokens: text input / cached input / output, audio input / cached
 * input / output, image input / cached input. Source: OpenAI's model pages as collected in the
 * research note market-2026-12.md §1.2, dated 2026-12-06 (figures marked uncertain there:
 * gpt-realtime audio and image, gpt-realtime-mini beyond text input, taken from third-party
 * tables). One table for the live cost meter, the server's stored costs and the admin's model
 * picker. Keys match a model exactly or as a variant (`gpt-realtime-2025-08-28` →
 * `gpt-realtime`, see `isModelVariant`). Azure and future price changes differ: pass `prices` to
 * `createVoiceSession` to override or extend. The preview names stay for stored conversations.
 */
export const defaultPrices: Readonly<Record<string, ModelPrice>> = {
  'gpt-4o-realtime-preview-2024-10-01': price(5, 2.5, 20, 100, 20, 200),
  'gpt-4o-realtime-preview-2024-12-17': price(5, 2.5, 20, 40, 2.5, 80),
  'gpt-4o-realtime-preview-2025-06-03': price(5, 2.5, 20, 40, 2.5, 80),
  'gpt-4o-realtime-preview': price(5, 2.5, 20, 40, 2.5, 80),
  'gpt-4o-mini-realtime-preview': price(0.6, 0.3, 2.4, 10, 0.3, 20),
  'gpt-realtime': price(4, 0.4, 16, 32, 0.4, 64, 5, 0.5),
  'gpt-realtime-mini': price(0.6, 0.06, 2.4, 10, 0.3, 20, 0.8, 0.08),
  'gpt-realtime-1.5': price(4, 0.4, 16, 32, 0.4, 64, 5, 0.5),
  'gpt-realtime-2': price(4, 0.4, 24, 32, 0.4, 64, 5, 0.5),
  'gpt-realtime-2.1': price(4, 0.4, 24, 32, 0.4, 64, 5, 0.5),
  'gpt-realtime-2.1-mini': price(0.6, 0.06, 2.4, 10, 0.3, 20, 0.8, 0.08),
  // GPT-Live bills the voice by the second, not by token (live-protocol.md §11: $0.05 per active
  // minute, $0.02 per standby minute, no rounding; the `gpt-live-1` page lists only the active
  // rate, third-party pages give both for it too). A WebRTC session pays 15 s while it starts,
  // credited once it runs; the backend model's tokens are billed at that model's price.
  'gpt-live-1': { ...price(0, 0, 0, 0, 0, 0), perMinute: { active: 0.05, standby: 0.02 } },
  'gpt-live-1.1': { ...price(0, 0, 0, 0, 0, 0), perMinute: { active: 0.05, standby: 0.02 } },
};

function price(
  textInput: number,
  textCachedInput: number,
  textOutput: number,
  audioInput: number,
  audioCachedInput: number,
  audioOutput: number,
  imageInput?: number,
  imageCachedInput?: number,
): ModelPrice {
  return {
    textInput,
    textCachedInput,
    textOutput,
    audioInput,
    audioCachedInput,
    audioOutput,
    ...(imageInput === undefined ? {} : { imageInput }),
    ...(imageCachedInput === undefined ? {} : { imageCachedInput }),
  };
}

/** The price entry for `model`: an exact key, else the longest key it is a variant of. */
export function findPrice(
  prices: Readonly<Record<string, ModelPrice>>,
  model: string | null,
): ModelPrice | null {
  if (model === null) return null;
  if (Object.hasOwn(prices, model)) return prices[model] ?? null;
  let best: string | null = null;
  for (const key of Object.keys(prices)) {
    if (isModelVariant(model, key) && (best === null || key.length > best.length)) best = key;
  }
  return best === null ? null : (prices[best] ?? null);
}

/**
 * The cost in USD of `tokens` for `model` at `prices`, or null when the table has no price for the
 * model: an unknown model is never guessed at another model's price, its cost is simply not
 * counted. The one rule for the live cost meter and the server's stored costs.
 */
export function modelCost(
  tokens: TokenUsage,
  model: string | null,
  prices: Readonly<Record<string, ModelPrice>> = defaultPrices,
): number | null {
  const price = findPrice(prices, model);
  return price === null ? null : costOf(tokens, price);
}

/** No tokens. */
export const zeroUsage: TokenUsage = {
  inputTokens: 0,
  outputTokens: 0,
  inputTextTokens: 0,
  inputAudioTokens: 0,
  inputImageTokens: 0,
  cachedTextTokens: 0,
  cachedAudioTokens: 0,
  cachedImageTokens: 0,
  outputTextTokens: 0,
  outputAudioTokens: 0,
};

const count = (value: unknown): number =>
  typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : 0;

/**
 * Reads `response.done.response.usage`. When a sender left the per-modality details out (old
 * servers, elided logs), the totals are counted as text so that nothing is lost.
 */
export function tokenUsageOf(usage: Usage): TokenUsage {
  const input = usage.input_token_details;
  const cached = input?.cached_tokens_details;
  const output = usage.output_token_details;
  const inputTokens = count(usage.input_tokens);
  const outputTokens = count(usage.output_tokens);
  const inputAudioTokens = count(input?.audio_tokens);
  const inputImageTokens = count(input?.image_tokens);
  const outputAudioTokens = count(output?.audio_tokens);
  return {
    inputTokens,
    outputTokens,
    inputTextTokens: input ? count(input.text_tokens) : inputTokens,
    inputAudioTokens,
    inputImageTokens,
    cachedTextTokens: count(cached?.text_tokens),
    cachedAudioTokens: count(cached?.audio_tokens),
    cachedImageTokens: count(cached?.image_tokens),
    outputTextTokens: output ? count(output.text_tokens) : outputTokens,
    outputAudioTokens,
  };
}

/** Sum of two usages. */
export function addUsage(a: TokenUsage, b: TokenUsage): TokenUsage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    inputTextTokens: a.inputTextTokens + b.inputTextTokens,
    inputAudioTokens: a.inputAudioTokens + b.inputAudioTokens,
    inputImageTokens: a.inputImageTokens + b.inputImageTokens,
    cachedTextTokens: a.cachedTextTokens + b.cachedTextTokens,
    cachedAudioTokens: a.cachedAudioTokens + b.cachedAudioTokens,
    cachedImageTokens: a.cachedImageTokens + b.cachedImageTokens,
    outputTextTokens: a.outputTextTokens + b.outputTextTokens,
    outputAudioTokens: a.outputAudioTokens + b.outputAudioTokens,
  };
}

/**
 * Cost in USD of one response: uncached input at the input price, cached input at the cached
 * price (cached tokens are a subset of the input), output at the output price, per modality.
 */
export function costOf(usage: TokenUsage, modelPrice: ModelPrice): number {
  const uncached = (total: number, cached: number) => Math.max(0, total - cached);
  const imageInput = modelPrice.imageInput ?? modelPrice.textInput;
  const imageCached = modelPrice.imageCachedInput ?? modelPrice.textCachedInput;
  const micro =
    uncached(usage.inputTextTokens, usage.cachedTextTokens) * modelPrice.textInput +
    usage.cachedTextTokens * modelPrice.textCachedInput +
    uncached(usage.inputAudioTokens, usage.cachedAudioTokens) * modelPrice.audioInput +
    usage.cachedAudioTokens * modelPrice.audioCachedInput +
    uncached(usage.inputImageTokens, usage.cachedImageTokens) * imageInput +
    usage.cachedImageTokens * imageCached +
    usage.outputTextTokens * modelPrice.textOutput +
    usage.outputAudioTokens * modelPrice.audioOutput;
  return micro / 1_000_000;
}

/**
 * The cost in USD of `activeSeconds` (and `standbySeconds`) of a per-second model, or null when the
 * table has no per-second price for it. The live cost meter of a GPT-Live session.
 *
 * @example
 * ```ts
 * liveCost(90, 'gpt-live-1.1'); // 0.075
 * ```
 */
export function liveCost(
  activeSeconds: number,
  model: string | null,
  prices: Readonly<Record<string, ModelPrice>> = defaultPrices,
  standbySeconds = 0,
): number | null {
  const rate = findPrice(prices, model)?.perMinute;
  if (rate === undefined) return null;
  return (activeSeconds * rate.active + standbySeconds * rate.standby) / 60;
}
