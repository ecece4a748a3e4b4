import { describe, expect, it } from 'vitest';
import type { Logger } from '../logger.js';
import type { Store } from '../storage/store.js';
import { DatabaseUnavailableError } from '../storage/database-availability.js';
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

describe('the recorder while storage is away', () => {
  /** A store that fails as a database that went away does, until `back()`. */
  function flakyStore() {
    const stored: string[] = [];
    let away = true;
    let attempts = 0;
    const attempt = (entry: string) => {
      attempts += 1;
      if (away) return Promise.reject(new DatabaseUnavailableError('the database went away'));
      stored.push(entry);
      return Promise.resolve();
    };
    const store = {
      conversations: {
        start: (row: { id: string }) => attempt(`start ${row.id}`).then(() => row.id),
        recordItem: (id: string, item: { itemId: string }) => attempt(`${id} item ${item.itemId}`),
        setItemText: (id: string, itemId: string) => attempt(`${id} text ${itemId}`),
        end: (id: string) => attempt(`${id} end`),
        recordToolCall: () => Promise.reject(new Error('check constraint failed')),
      },
    } as unknown as Store;
    return {
      store,
      stored,
      attempts: () => attempts,
      back: () => void (away = false),
    };
  }
  const log = {
    info: () => undefined,
    warn: () => undefined,
    error: () => undefined,
  } as unknown as Logger;
  const conversation = {
    id: 'conv_9',
    reopened: false,
    agentId: 'agent_1',
    agentVersion: 1,
    model: 'gpt-realtime',
    clientId: 'client_1',
  };
  const item = (id: string) => ({
    id,
    type: 'message' as const,
    role: 'user' as const,
    content: [],
  });

  it('keeps every write, retries it and stores all in order once the database is back', async () => {
    const flaky = flakyStore();
    const recorder = new ConversationRecorder(flaky.store, log, conversation, {
      limits: { retryDelayMs: 5 },
    });
    recorder.item(item('item_1'));
    recorder.transcript('item_1', 'hello');
    recorder.item(item('item_2'));
    recorder.end({ status: 'completed', endReason: 'client_closed' });
    await expect.poll(() => flaky.attempts()).toBeGreaterThan(3);
    expect(recorder.waitingForStorage).toBe(true);
    expect(recorder.backlog).toBe(5);
    expect(flaky.stored).toEqual([]);
    flaky.back();
    await recorder.flushed();
    expect(flaky.stored).toEqual([
      'start conv_9',
      'conv_9 item item_1',
      'conv_9 text item_1',
      'conv_9 item item_2',
      'conv_9 end',
    ]);
    expect(recorder.backlog).toBe(0);
    expect(recorder.waitingForStorage).toBe(false);
  });

  it('reports a full backlog once past its bound, and still stores what it holds', async () => {
    const flaky = flakyStore();
    let full = 0;
    const recorder = new ConversationRecorder(flaky.store, log, conversation, {
      limits: { retryDelayMs: 5, maxQueuedWrites: 10 },
      onBacklogFull: () => (full += 1),
    });
    for (let index = 0; index < 9; index += 1) recorder.item(item(`item_${index}`));
    expect(full).toBe(0);
    for (let index = 9; index < 15; index += 1) recorder.item(item(`item_${index}`));
    expect(full).toBe(1);
    flaky.back();
    await recorder.flushed();
    expect(flaky.stored).toHaveLength(16);
  });

  it('drops only a write the database refuses (retrying it could never succeed)', async () => {
    const flaky = flakyStore();
    flaky.back();
    const recorder = new ConversationRecorder(flaky.store, log, conversation, {
      limits: { retryDelayMs: 5 },
    });
    recorder.toolCall({} as never);
    recorder.item(item('item_1'));
    await recorder.flushed();
    expect(flaky.stored).toEqual(['start conv_9', 'conv_9 item item_1']);
  });
});
