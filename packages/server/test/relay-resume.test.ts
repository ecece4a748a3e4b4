// A relayed conversation whose connection drops goes on where it stopped: the reconnecting
// browser presents the resume token of its last grant, the relay records into the same
// conversation and replays it into the new upstream session, so the model keeps its context.
import { describe, expect, it } from 'vitest';
import { agentConfigSchema, sessionResponseSchema } from '../src/schemas.js';
import { testBackends } from '../src/test-utils/databases.js';
import { notUnderstood } from './relay-helpers.js';
import {
  resumeOverStaleSocket,
  say,
  script,
  scriptTranscript,
  useResumeStack,
} from './resume-helpers.js';

const apiKey = 'fake-key-resume-test-not-secret-0001';

describe.each(testBackends())('resuming a relayed conversation on $name', (backend) => {
  const suite = useResumeStack(backend, { apiKey, maxSessionsPerClient: 50 });
  const { grant, connect, ended } = suite;

  it('goes on with the same conversation after a drop, with the model given its history', async () => {
    const first = await grant({ agentId: 'concierge' });
    expect(first.resumed).toBe(false);
    const browser = await connect(first);
    const { opening, rent, parking } = script;
    await say(browser, opening);
    const reply = await say(browser, rent);
    const contextBefore = reply.response.usage.input_token_details.text_tokens as number;

    // The network drops: the socket dies without a close handshake.
    browser.socket.terminate();
    await ended(first.conversationId);

    const again = await grant({
      agentId: 'concierge',
      resume: { conversationId: first.conversationId, token: first.resumeToken },
    });
    expect(again).toMatchObject({ resumed: true, conversationId: first.conversationId });
    const resumed = await connect(again);
    const answer = await say(resumed, parking);
    // The browser saw nothing of the replay: only the new turn's items.
    const added = resumed.events.filter((event) => event.type === 'conversation.item.added');
    expect(added.map((event) => String(event.item.type))).toEqual(['message', 'message']);
    expect(resumed.events.some((event) => event.type === 'error')).toBe(false);
    // The model's context holds the whole conversation: more than before the drop.
    const contextAfter = answer.response.usage.input_token_details.text_tokens as number;
    expect(contextAfter).toBeGreaterThan(contextBefore);
    const fresh = await connect(await grant({ agentId: 'concierge' }));
    const freshAnswer = await say(fresh, parking);
    const freshContext = freshAnswer.response.usage.input_token_details.text_tokens as number;
    expect(contextAfter - freshContext).toBeGreaterThanOrEqual(Math.ceil(opening.length / 4));
    fresh.socket.close();

    resumed.socket.close();
    await ended(first.conversationId);
    const detail = await suite.store.conversations.detail(first.conversationId);
    // One transcript, no item twice: four items before the drop, two after.
    expect(detail.items.map((item) => [item.role, item.text])).toEqual([...scriptTranscript]);
    expect(detail.responses).toHaveLength(3);
    expect(detail.conversation).toMatchObject({ status: 'completed', endReason: 'client_closed' });
  });

  it('ends a stale connection that is still open when its conversation is resumed elsewhere', async () => {
    // The relay has not noticed anything wrong with the first connection, yet the browser
    // reconnects (its side of the socket died).
    const { first, resumed } = await resumeOverStaleSocket(suite.base, 'concierge', connect);
    resumed.socket.close();
    await ended(first.conversationId);
    const detail = await suite.store.conversations.detail(first.conversationId);
    expect(detail.items.map((item) => item.text)).toEqual([
      'Remember the number 42.',
      notUnderstood('Remember the number 42.'),
      'What was the number?',
      notUnderstood('What was the number?'),
    ]);
    expect(detail.conversation.status).toBe('completed');
  });

  it('keeps the resumed conversation live when the old connection ends while it resumes', async () => {
    for (let round = 0; round < 3; round += 1) {
      const first = await grant({ agentId: 'concierge' });
      const browser = await connect(first);
      await say(browser, `Round ${round}.`);
      // No waiting for the relay to notice: the reconnect races the old connection's end.
      browser.socket.terminate();
      const again = await grant({
        agentId: 'concierge',
        resume: { conversationId: first.conversationId, token: first.resumeToken },
      });
      expect(again.resumed).toBe(true);
      const resumed = await connect(again);
      await say(resumed, `Round ${round}, again.`);
      expect(
        (await suite.store.conversations.detail(first.conversationId)).conversation.status,
      ).toBe('active');
      resumed.socket.close();
      await ended(first.conversationId);
      const detail = await suite.store.conversations.detail(first.conversationId);
      expect(detail.conversation.endReason).toBe('client_closed');
      expect(detail.items.map((item) => item.text)).toEqual([
        `Round ${round}.`,
        notUnderstood(`Round ${round}.`),
        `Round ${round}, again.`,
        notUnderstood(`Round ${round}, again.`),
      ]);
    }
  });

  it('resumes a playground conversation for a signed-in admin, on the same draft version', async () => {
    await suite.store.agents.createVersion(
      'concierge',
      {
        config: agentConfigSchema.parse({
          instructions: 'Draft.',
          voice: 'cedar',
          transcriptionModel: null,
          outputModality: 'text',
        }),
        note: 'draft',
        publish: false,
      },
      null,
    );
    const login = await fetch(`${suite.base}/api/admin/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@parley.local', password: 'admin-password-123' }),
    });
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const playground = async (body: Record<string, unknown>) => {
      const response = await fetch(`${suite.base}/api/admin/agents/concierge/playground`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, 'x-parley-csrf': csrfToken },
        body: JSON.stringify(body),
      });
      expect(response.status).toBe(200);
      const parsed = sessionResponseSchema.parse(await response.json());
      if (parsed.mode !== 'relay') throw new Error('expected relay mode');
      return parsed;
    };
    const first = await playground({});
    const browser = await connect(first);
    await say(browser, 'Draft question one.');
    browser.socket.terminate();
    await ended(first.conversationId);
    const again = await playground({
      resume: { conversationId: first.conversationId, token: first.resumeToken },
    });
    expect(again).toMatchObject({ resumed: true, conversationId: first.conversationId });
    const resumed = await connect(again);
    const updated = resumed.events.find((event) => event.type === 'session.updated');
    expect(updated?.session.audio.output.voice).toBe('cedar');
    await say(resumed, 'Draft question two.');
    resumed.socket.close();
    await ended(first.conversationId);
    const detail = await suite.store.conversations.detail(first.conversationId);
    expect(detail.items.filter((item) => item.role === 'user').map((item) => item.text)).toEqual([
      'Draft question one.',
      'Draft question two.',
    ]);
  });

  it('starts a new conversation for a bad token, another agent, a final end or a stale drop', async () => {
    const first = await grant({ agentId: 'concierge' });
    const browser = await connect(first);
    await say(browser, 'Hello');
    browser.socket.terminate();
    await ended(first.conversationId);
    const resume = { conversationId: first.conversationId, token: first.resumeToken };

    const forged = await grant({
      agentId: 'concierge',
      resume: { ...resume, token: 'x'.repeat(43) },
    });
    expect(forged.resumed).toBe(false);
    expect(forged.conversationId).not.toBe(first.conversationId);
    const otherAgent = await grant({ agentId: 'other', resume });
    expect(otherAgent.resumed).toBe(false);

    suite.advance(300_000); // well past the 60 s resume window
    const stale = await grant({ agentId: 'concierge', resume });
    expect(stale.resumed).toBe(false);
    suite.advance(-300_000);

    // Ended by a limit, it stays ended.
    await suite.store.conversations.reopen(first.conversationId);
    await suite.store.conversations.end(first.conversationId, {
      status: 'completed',
      endReason: 'session_time_limit',
    });
    expect((await grant({ agentId: 'concierge', resume })).resumed).toBe(false);

    const badBody = await fetch(`${suite.base}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'concierge', resume: { conversationId: '' } }),
    });
    expect(badBody.status).toBe(400);
  });
});
