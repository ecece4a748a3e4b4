// The voice API an agent runs on (Realtime or GPT-Live) as the agent editor handles it: what
// switching does to the model and voice, which models and voices each API offers, and the list
// price line under the model picker (per token for Realtime, per second for GPT-Live), all from
// core's one model list and price table.
import {
  DEFAULT_LIVE_MODEL,
  DEFAULT_LIVE_VOICE,
  DEFAULT_REALTIME_MODEL,
  LIVE_MODELS,
  LIVE_VOICES,
  REALTIME_MODELS,
  defaultPrices,
  findPrice,
  isLiveModel,
} from '@parley/core';
import { voiceNames } from '@parley/server/schemas';
import type { AgentApi, AgentConfig } from '@parley/server/schemas';

/** What the API picker shows for each API. */
export const apiLabels: Readonly<Record<AgentApi, string>> = {
  realtime: 'Realtime API',
  live: 'GPT-Live',
};

/** The models the picker offers for `api` (legacy Realtime previews still resolve when typed). */
export function modelsFor(api: AgentApi): readonly string[] {
  return api === 'live'
    ? LIVE_MODELS.map((model) => model.id)
    : REALTIME_MODELS.filter((model) => !model.legacy).map((model) => model.id);
}

/** The built-in voices of `api`'s models. */
export function voicesFor(api: AgentApi): readonly string[] {
  return api === 'live' ? LIVE_VOICES : voiceNames;
}

/**
 * `config` on `api`: a model of the other API is replaced by the new API's default (the server
 * refuses a Live model on Realtime and the reverse), and a voice the new API does not have by its
 * default. Everything else, the Live settings included, is kept, so switching back loses nothing.
 */
export function switchApi(config: AgentConfig, api: AgentApi): AgentConfig {
  if (config.api === api) return config;
  const modelFits = isLiveModel(config.model) === (api === 'live');
  const voiceFits = voicesFor(api).includes(config.voice);
  return {
    ...config,
    api,
    model: modelFits ? config.model : api === 'live' ? DEFAULT_LIVE_MODEL : DEFAULT_REALTIME_MODEL,
    voice: voiceFits ? config.voice : api === 'live' ? DEFAULT_LIVE_VOICE : 'marin',
  };
}

const dollars = (value: number) => `$${value.toFixed(2)}`;

/** The list price of `model` in words: per minute of session for GPT-Live, per 1M tokens else. */
export function priceLine(model: string): string {
  const price = findPrice(defaultPrices, model);
  if (!price)
    return 'No list price known for this model (a deployment name?): costs are not estimated.';
  if (price.perMinute) {
    return `Billed by the second: ${dollars(price.perMinute.active)} per active minute, ${dollars(price.perMinute.standby)} per standby minute (the backend model's tokens at its own price).`;
  }
  return `Per 1M tokens: audio ${dollars(price.audioInput)} in / ${dollars(price.audioOutput)} out, text ${dollars(price.textInput)} in / ${dollars(price.textOutput)} out, cached input ${dollars(price.audioCachedInput)}.`;
}
