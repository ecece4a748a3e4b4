import { describe, expect, it } from 'vitest';
import type { UsageSummary } from '@parley/core';
import {
  billedPerSecond,
  conversationUsageRows,
  formatSeconds,
  sessionUsageRows,
} from './billing.js';

const realtimeConversation = {
  model: 'gpt-realtime-2.1',
  usageSeconds: 0,
  inputTokens: 1200,
  outputTokens: 3400,
};
const liveConversation = {
  model: 'gpt-live-1.1',
  usageSeconds: 93.4,
  inputTokens: 0,
  outputTokens: 0,
};

function usage(overrides: Partial<UsageSummary>): UsageSummary {
  const zero = {
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
  return {
    responses: 0,
    total: zero,
    lastResponse: null,
    costUsd: null,
    model: null,
    transcription: { tokens: 0, seconds: 0 },
    ...overrides,
  };
}

describe('what a conversation cost, as the console shows it', () => {
  it('tells GPT-Live conversations by their model or their billed seconds', () => {
    expect(billedPerSecond(liveConversation)).toBe(true);
    expect(billedPerSecond({ model: 'my-deployment', usageSeconds: 4 })).toBe(true);
    expect(billedPerSecond(realtimeConversation)).toBe(false);
  });

  it('shows a GPT-Live conversation in active and standby seconds with the per-minute rates, not tokens', () => {
    expect(conversationUsageRows(liveConversation)).toEqual([
      { label: 'Active seconds', value: '1m 33s' },
      { label: 'Standby seconds', value: '0.0 s' },
      { label: 'Rate', value: '$0.05/min active, $0.02/min standby' },
    ]);
  });

  it('shows a Realtime conversation in tokens', () => {
    expect(conversationUsageRows(realtimeConversation)).toEqual([
      { label: 'Tokens in', value: '1,200' },
      { label: 'Tokens out', value: '3,400' },
    ]);
  });

  it('shows a running session as its protocol bills it', () => {
    expect(
      sessionUsageRows(usage({ billing: 'seconds', seconds: 12.25, model: 'gpt-live-1' }))[0],
    ).toEqual({
      label: 'Active seconds',
      value: '12.3 s',
    });
    const tokens = usage({ billing: 'tokens' });
    expect(
      sessionUsageRows({ ...tokens, total: { ...tokens.total, inputTokens: 5, outputTokens: 7 } }),
    ).toEqual([{ label: 'Tokens in / out', value: '5 / 7' }]);
  });

  it('formats seconds to a tenth under a minute, then minutes and seconds', () => {
    expect(formatSeconds(0)).toBe('0.0 s');
    expect(formatSeconds(59.94)).toBe('59.9 s');
    expect(formatSeconds(60)).toBe('1m 00s');
    expect(formatSeconds(3725)).toBe('62m 05s');
  });
});
