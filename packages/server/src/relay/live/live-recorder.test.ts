// What a GPT-Live conversation stores from its upstream's events: a dropped conversation resumed is
// a new upstream session, whose usage reports count from zero again and whose transcript turns are
// numbered from one again, so the conversation bills every leg's seconds and keeps every leg's
// turns; and text the visitor types ends the turns, so its answer is stored after it.
import { liveCost } from '@parley/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logger.js';
import { createStore } from '../../storage/store.js';
import type { Store } from '../../storage/store.js';
import { testBackends } from '../../test-utils/databases.js';
import { publishTestAgent } from '../../../test/relay-helpers.js';
import { ConversationRecorder } from '../conversation-recorder.js';
import { LiveRecorder } from './live-recorder.js';

const model = 'gpt-live-1';

/** A transcript fragment of 500 ms on the session's timeline. */
const fragment = (role: 'user' | 'assistant', delta: string, atMs: number) => ({
  type: `session.${role === 'user' ? 'input' : 'output'}_transcript.delta`,
  delta,
  start_ms: atMs,
  end_ms: atMs + 500,
});

describe.each(testBackends())('a GPT-Live conversation stored on $name', (backend) => {
  let store: Store;
  let agent: Awaited<ReturnType<typeof publishTestAgent>>;
  beforeAll(async () => {
    store = createStore(await backend.open());
    agent = await publishTestAgent(store, 'live', { api: 'live', model, instructions: 'Help.' });
  });
  afterAll(async () => {
    await store?.close();
    await backend.cleanup();
  });

  /** One leg of conversation `id`: its upstream session's events, then its end, stored. */
  async function leg(
    id: string,
    reopened: boolean,
    speak: (live: LiveRecorder, recorder: ConversationRecorder) => void,
  ): Promise<void> {
    const recorder = new ConversationRecorder(store, silentLogger, {
      id,
      reopened,
      agentId: agent.id,
      agentVersion: agent.latestVersion,
      model,
      clientId: 'client_1',
    });
    const live = new LiveRecorder({ recorder, model });
    speak(live, recorder);
    live.finish(true);
    recorder.end({ status: 'completed', endReason: 'client_closed' });
    await recorder.flushed();
  }

  const transcript = async (id: string) =>
    (await store.conversations.detail(id)).items.map((item) => [item.role, item.text]);

  it("bills each leg's seconds and keeps each leg's turns", async () => {
    const id = crypto.randomUUID();
    await leg(id, false, (live) => {
      live.transcriptDelta(fragment('assistant', ' Welcome.', 0));
      live.transcriptDelta(fragment('user', ' My name is Ada.', 1000));
      live.usage({ seconds: 20 });
      live.transcriptDelta(fragment('assistant', ' Hello Ada.', 2000));
      live.usage({ seconds: 30 });
    });
    expect(await store.conversations.reopen(id)).toBe(true);
    // The new session's clock (and its turn count) starts again.
    await leg(id, true, (live) => {
      live.transcriptDelta(fragment('user', ' Is there parking?', 500));
      live.usage({ seconds: 12 });
      live.transcriptDelta(fragment('assistant', ' Yes.', 1500));
      live.usage({ seconds: 12 });
    });

    const { conversation } = await store.conversations.detail(id);
    expect(conversation.usageSeconds).toBe(42);
    expect(conversation.costUsd).toBeCloseTo(liveCost(42, model)!, 9);
    expect(await transcript(id)).toEqual([
      ['assistant', 'Welcome.'],
      ['user', 'My name is Ada.'],
      ['assistant', 'Hello Ada.'],
      ['user', 'Is there parking?'],
      ['assistant', 'Yes.'],
    ]);
  });

  it('stores the answer to typed text as a turn after it, though its words follow the last reply', async () => {
    const id = crypto.randomUUID();
    await leg(id, false, (live, recorder) => {
      live.transcriptDelta(fragment('assistant', ' Welcome.', 0));
      // As sendTypedText stores it: the typed message, then the turn it ends.
      recorder.item({
        id: 'typed_1',
        type: 'message',
        role: 'user',
        status: 'completed',
        content: [{ type: 'input_text', text: 'Pets?' }],
      });
      live.typed();
      live.transcriptDelta(fragment('assistant', ' Cats only.', 600));
    });
    expect(await transcript(id)).toEqual([
      ['assistant', 'Welcome.'],
      ['user', 'Pets?'],
      ['assistant', 'Cats only.'],
    ]);
  });
});
