// A WebRTC conversation whose call dropped goes on with a new call (issue 17): the browser's new
// offer carries the last answer's `conversationId` and `resumeToken` as `resume`, the server ends
// the old call if it is still live (its slot too), places the new one into the same conversation
// and replays the stored conversation through the sideband before anything else, so the model
// keeps its context; the replay's echoes are not stored again. A resume that cannot go on starts
// a new conversation, as on the relay.
import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { testBackends } from '../src/test-utils/databases.js';
import { notUnderstood, publishTestAgent } from './relay-helpers.js';
import type { Received } from './relay-helpers.js';
import {
  answerOf,
  contextOf,
  fixtureOffer,
  say,
  script,
  scriptTranscript,
  useResumeStack,
} from './resume-helpers.js';
import { postCall } from './webrtc-browser.js';

const apiKey = 'fake-key-webrtc-resume-test-0017';

describe.each(testBackends())('resuming a dropped WebRTC call on $name', (backend) => {
  const suite = useResumeStack(backend, {
    apiKey,
    // One call per client: a resume only gets through if the old call's slot is given back.
    maxSessionsPerClient: 1,
    concierge: { greeting: 'Welcome to the concierge.' },
    seed: (seeded) =>
      publishTestAgent(seeded, 'live', {
        api: 'live',
        model: 'gpt-live-1',
        instructions: 'Live concierge.',
        greeting: 'Welcome to the live concierge.',
      }),
  });
  const { call, place, hangUp } = suite;

  it('goes on with the same conversation: old call ended, history replayed first, nothing stored twice', async () => {
    const first = await call('concierge');
    const placed = answerOf(first);
    expect(placed.resumed).toBe(false);
    first.send({ type: 'input_audio_buffer.clear' });
    await first.waitFor((event) => event.type === 'response.done');
    const { opening, rent, parking } = script;
    await say(first, opening);
    const before = contextOf(await say(first, rent));

    // The page's connection died; the server has not noticed: the old call is still live and
    // holds the client's only slot. The new offer asks to go on.
    const resume = { conversationId: placed.conversationId, token: placed.resumeToken };
    const second = await call('concierge', { resume });
    const again = answerOf(second);
    expect(again).toMatchObject({ resumed: true, conversationId: placed.conversationId });
    expect(again.callId).not.toBe(placed.callId);
    // The old call was hung up upstream: one call is left.
    await expect.poll(() => suite.stack.emulator.calls).toBe(1);

    // The replay reached the call before anything else: its echoes are the first items on the
    // new data channel, and no greeting follows (the browser's "open" signal asks for none).
    second.send({ type: 'input_audio_buffer.clear' });
    const answer = await say(second, parking);
    const items = second.events.filter((event) => event.type === 'conversation.item.added');
    const replayed = items.filter((event) => String(event.item.id).startsWith('parley_resume_'));
    expect(replayed.map((event) => String(event.item.content[0].text))).toEqual([
      'Welcome to the concierge.',
      opening,
      notUnderstood(opening),
      rent,
      notUnderstood(rent),
    ]);
    const firstResponse = second.events.findIndex((event) => event.type === 'response.created');
    expect(second.events.indexOf(replayed.at(-1)!)).toBeLessThan(firstResponse);
    expect(second.events.filter((event) => event.type === 'response.created')).toHaveLength(1);
    // The model's context holds the whole conversation.
    expect(contextOf(answer)).toBeGreaterThan(before);

    await second.close();
    await hangUp(again);
    await expect
      .poll(async () => (await suite.store.conversations.get(placed.conversationId))?.status)
      .toBe('completed');
    const detail = await suite.store.conversations.detail(placed.conversationId);
    // One transcript, no item twice: the greeting and four items before the drop, two after.
    expect(detail.items.map((item) => [item.role, item.text])).toEqual([
      ['assistant', 'Welcome to the concierge.'],
      ...scriptTranscript,
    ]);
    expect(detail.conversation).toMatchObject({ mode: 'webrtc', endReason: 'client_closed' });
  });

  it('gives a resumed GPT-Live call its history as the session startup input, and no greeting', async () => {
    const first = await place({ agentId: 'live' });
    await hangUp(first);
    await suite.store.conversations.reopen(first.conversationId);
    await suite.store.conversations.recordItem(first.conversationId, {
      itemId: 'item_u1',
      type: 'message',
      callId: null,
      role: 'user',
      text: 'I booked table 12 for Friday.',
      status: 'completed',
    });
    await suite.store.conversations.end(first.conversationId, {
      status: 'completed',
      endReason: 'client_closed',
    });
    const resume = { conversationId: first.conversationId, token: first.resumeToken };
    const again = await place({ agentId: 'live', resume });
    expect(again).toMatchObject({ resumed: true, conversationId: first.conversationId });
    // A sideband of the test's own on the emulator's session reads what it was created with.
    const [sessionId] = suite.stack.emulator.liveSessionIds();
    const socket = new WebSocket(`${suite.stack.emulator.liveUrl}/${sessionId}/attach`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    const started = await new Promise<Received>((resolve, reject) => {
      socket.on('message', (data: Buffer) => {
        const event = JSON.parse(data.toString('utf8')) as Received;
        if (event.type === 'session.started') resolve(event);
      });
      socket.on('error', reject);
    });
    socket.close();
    expect(started.session.input).toEqual([
      {
        type: 'message',
        role: 'user',
        content: [{ type: 'input_text', text: 'I booked table 12 for Friday.' }],
      },
    ]);
    await hangUp(again);
    await expect
      .poll(async () => (await suite.store.conversations.get(first.conversationId))?.status)
      .toBe('completed');
    const detail = await suite.store.conversations.detail(first.conversationId);
    expect(detail.items.map((item) => item.text)).toEqual(['I booked table 12 for Friday.']);
  });

  it('starts a new conversation for a bad token, another agent, a stale drop or a final end', async () => {
    const first = await place({ agentId: 'concierge' });
    await hangUp(first);
    const resume = { conversationId: first.conversationId, token: first.resumeToken };
    const refused = async (body: Record<string, unknown>) => {
      const answer = await place(body);
      await hangUp(answer);
      expect(answer.resumed).toBe(false);
      expect(answer.conversationId).not.toBe(first.conversationId);
    };
    await refused({ agentId: 'concierge', resume: { ...resume, token: 'x'.repeat(43) } });
    await refused({ agentId: 'other', resume });
    suite.advance(300_000); // well past the 60 s resume window
    await refused({ agentId: 'concierge', resume });
    suite.advance(-300_000);
    // Ended by a limit, it stays ended.
    await suite.store.conversations.reopen(first.conversationId);
    await suite.store.conversations.end(first.conversationId, {
      status: 'completed',
      endReason: 'session_time_limit',
    });
    await refused({ agentId: 'concierge', resume });
    const conversation = await suite.store.conversations.get(first.conversationId);
    expect(conversation).toMatchObject({ status: 'completed', endReason: 'session_time_limit' });
    // A malformed resume is a clear 400, not a new conversation.
    const bad = await postCall(suite.base, {
      agentId: 'concierge',
      sdp: fixtureOffer,
      resume: { conversationId: '' },
    });
    expect(bad.status).toBe(400);
  });
});
