import { describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import type { Store } from '../storage/store.js';
import { ConversationRecorder } from './conversation-recorder.js';

type Recorded = { costUsd: number; inputTextTokens: number; cachedTokens: number };

function recorder(model: string) {
  const responses: Recorded[] = [];
  const warnings: unknown[] = [];
  const store = {
    conversations: {
      start: (row: { id: string }) => Promise.resolve(row.id),
      recordResponse: (_id: string, response: Recorded) => {
        responses.push(response);
        return Promise.resolve();
      },
    },
  } as unknown as Store;
  const log = {
    info: () => undefined,
    warn: (message: string, fields?: unknown) => warnings.push({ message, fields }),
    error: () => undefined,
  } as unknown as Logger;
  const conversation = {
    id: 'conv_1',
    reopened: false,
    agentId: 'agent_1',
    agentVersion: 1,
    model,
    clientId: 'client_1',
  };
  return { recorder: new ConversationRecorder(store, log, conversation), responses, warnings };
}

const usage = {
  input_tokens: 1_000_000,
  output_tokens: 1_000_000,
  input_token_details: {
    text_tokens: 500_000,
    audio_tokens: 500_000,
    cached_tokens: 100_000,
    cached_tokens_details: { text_tokens: 0, audio_tokens: 100_000 },
  },
  output_token_details: { text_tokens: 0, audio_tokens: 1_000_000 },
};

describe('the recorded cost of a response', () => {
  it("prices a known model with core's table: cached input at the cached price", async () => {
    const { recorder: r, responses } = recorder('gpt-realtime-2025-08-28');
    r.usage({ responseId: 'resp_1', status: 'completed', usage, latencyMs: 10 });
    await r.flushed();
    // 0.5M text × $4 + 0.4M audio × $32 + 0.1M cached audio × $0.4 + 1M audio out × $64
    expect(responses[0]?.costUsd).toBeCloseTo(2 + 12.8 + 0.04 + 64, 6);
    expect(responses[0]).toMatchObject({ inputTextTokens: 500_000, cachedTokens: 100_000 });
  });

  it('counts no cost for a model core has no price for, and says so once', async () => {
    const { recorder: r, responses, warnings } = recorder('someone-elses-model');
    r.usage({ responseId: 'resp_1', status: 'completed', usage, latencyMs: null });
    r.usage({ responseId: 'resp_2', status: 'completed', usage, latencyMs: null });
    await r.flushed();
    expect(responses.map((response) => response.costUsd)).toEqual([0, 0]);
    expect(warnings).toEqual([
      {
        message: 'no price for this model; its cost is not counted',
        fields: { model: 'someone-elses-model' },
      },
    ]);
  });
});
