import { describe, expect, it } from 'vitest';
import { REALTIME_MODELS } from '../protocol/models.js';
import { costOf, defaultPrices, findPrice, modelCost, zeroUsage } from './pricing.js';

describe('the price table', () => {
  it('prices every model of the catalog', () => {
    for (const model of REALTIME_MODELS) expect(findPrice(defaultPrices, model.id)).not.toBeNull();
  });

  it('carries the list prices per 1M tokens of market-2026-12 §1.2', () => {
    expect(defaultPrices['gpt-realtime-2.1']).toEqual({
      textInput: 4,
      textCachedInput: 0.4,
      textOutput: 24,
      audioInput: 32,
      audioCachedInput: 0.4,
      audioOutput: 64,
      imageInput: 5,
      imageCachedInput: 0.5,
    });
    expect(defaultPrices['gpt-realtime-2.1-mini']).toMatchObject({
      textInput: 0.6,
      textOutput: 2.4,
      audioInput: 10,
      audioOutput: 20,
      imageInput: 0.8,
    });
    expect(defaultPrices['gpt-realtime-1.5']?.textOutput).toBe(16);
    expect(defaultPrices['gpt-4o-realtime-preview']?.audioOutput).toBe(80);
  });

  it('prices a dated snapshot as its own model, not as a longer name that shares its prefix', () => {
    // `gpt-realtime-2025-08-28` starts with `gpt-realtime-2`, whose text output costs 24, not 16.
    expect(findPrice(defaultPrices, 'gpt-realtime-2025-08-28')?.textOutput).toBe(16);
    expect(findPrice(defaultPrices, 'gpt-realtime-mini-2025-12-15')?.textInput).toBe(0.6);
    expect(findPrice(defaultPrices, 'gpt-4o-realtime-preview-2024-10-01')?.audioInput).toBe(100);
    expect(findPrice(defaultPrices, 'someone-elses-model')).toBeNull();
    expect(findPrice(defaultPrices, 'constructor')).toBeNull();
  });

  it('costs a turn of one minute each way on gpt-realtime-2.1 as the rule of thumb says', () => {
    const price = findPrice(defaultPrices, 'gpt-realtime-2.1')!;
    const usage = {
      ...zeroUsage,
      inputTokens: 600,
      inputAudioTokens: 600,
      outputTokens: 1200,
      outputAudioTokens: 1200,
    };
    // 600 × $32/M + 1,200 × $64/M = $0.0192 + $0.0768.
    expect(costOf(usage, price)).toBeCloseTo(0.096, 6);
  });
});

describe('modelCost', () => {
  const tokens = { ...zeroUsage, inputTokens: 1_000_000, inputTextTokens: 1_000_000 };

  it('prices a known model, a dated snapshot included, from the table', () => {
    expect(modelCost(tokens, 'gpt-realtime')).toBeCloseTo(4, 9);
    expect(modelCost(tokens, 'gpt-realtime-mini-2025-10-06')).toBeCloseTo(0.6, 9);
  });

  it('counts no cost for a model the table does not know, rather than guessing a price', () => {
    expect(modelCost(tokens, 'someone-elses-model')).toBeNull();
    expect(modelCost(tokens, null)).toBeNull();
    expect(modelCost(tokens, 'mine', { mine: defaultPrices['gpt-realtime-mini']! })).toBeCloseTo(
      0.6,
      9,
    );
  });
});
