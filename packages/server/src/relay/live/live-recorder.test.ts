// What a GPT-Live conversation stores across its legs: a dropped conversation resumed is a new
// upstream session, whose usage reports count from zero again and whose transcript turns are
// numbered from one again. The conversation bills every leg's seconds and keeps every leg's turns.
import { liveCost } from '@parley/core';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import { createStore } from '../../storage/store.js';
import type { Store } from '../../storage/store.js';
import { testBackends } from '../../test-utils/databases.js';
import { publishTestAgent } from '../../../test/relay-helpers.js';
import { ConversationRecorder } from '../conversation-recorder.js';
import { LiveRecorder } from './live-recorder.js';

const model = 'gpt-live-1';

describe.each(testBackends())('a resumed GPT-Live conversation on $name', (backend) => {
  let store: Store | undefined;
  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });

  it("bills each leg's seconds and keeps each leg's turns", async () => {
    store = createStore(await backend.open());
    const agent = await publishTestAgent(store, 'live', {
      api: 'live',
      model,
      instructions: 'Help.',
    });
    const id = crypto.randomUUID();
    /** One leg: its upstream session's events, then its end, stored. */
    const leg = async (reopened: boolean, speak: (live: LiveRecorder) => void) => {
      const recorder = new ConversationRecorder(store!, silentLogger, {
        id,
        reopened,
        agentId: agent.id,
        agentVersion: agent.latestVersion,
        model,
        clientId: 'client_1',
      });
      const live = new LiveRecorder({ recorder, model });
      speak(live);
      live.finish(true);
      recorder.end({ status: 'completed', endReason: 'client_closed' });
      await recorder.flushed();
    };
    const fragment = (role: 'user' | 'assistant', delta: string, atMs: number) => ({
      type: `session.${role === 'user' ? 'input' : 'output'}_transcript.delta`,
      delta,
      start_ms: atMs,
      end_ms: atMs + 500,
    });

    await leg(false, (live) => {
      live.transcriptDelta(fragment('assistant', ' Welcome.', 0));
      live.transcriptDelta(fragment('user', ' My name is Ada.', 1000));
      live.usage({ seconds: 20 });
      live.transcriptDelta(fragment('assistant', ' Hello Ada.', 2000));
      live.usage({ seconds: 30 });
    });
    expect(await store.conversations.reopen(id)).toBe(true);
    // The new session's clock (and its turn count) starts again.
    await leg(true, (live) => {
      live.transcriptDelta(fragment('user', ' Is there parking?', 500));
      live.usage({ seconds: 12 });
      live.transcriptDelta(fragment('assistant', ' Yes.', 1500));
      live.usage({ seconds: 12 });
    });

    const detail = await store.conversations.detail(id);
    expect(detail.conversation.usageSeconds).toBe(42);
    expect(detail.conversation.costUsd).toBeCloseTo(liveCost(42, model)!, 9);
    expect(detail.items.map((item) => [item.role, item.text])).toEqual([
      ['assistant', 'Welcome.'],
      ['user', 'My name is Ada.'],
      ['assistant', 'Hello Ada.'],
      ['user', 'Is there parking?'],
      ['assistant', 'Yes.'],
    ]);
  });
});
