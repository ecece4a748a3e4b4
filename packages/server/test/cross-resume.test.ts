// A conversation goes on across a change of transport (issue 17): an `'auto'` session whose
// WebRTC call dropped and whose reconnect fell back to the relay presents the call's
// `{ conversationId, token }` to `POST /api/sessions`, and a relayed session whose reconnect goes
// over WebRTC presents its grant's to `POST /api/calls`. Either way the server ends the other
// transport's still-live holder of the conversation, reopens the same conversation (its mode the
// new leg's), replays the stored history to the model, stores nothing twice and counts one
// conversation in the figures.
import { describe, expect, it } from 'vitest';
import { testBackends } from '../src/test-utils/databases.js';
import { notUnderstood } from './relay-helpers.js';
import {
  answerOf,
  contextOf,
  say,
  script,
  scriptTranscript,
  useResumeStack,
} from './resume-helpers.js';

const apiKey = 'fake-key-cross-resume-test-0017';

const { opening, rent, parking } = script;
const transcript = scriptTranscript;

describe.each(testBackends())(
  'resuming a conversation on the other transport on $name',
  (backend) => {
    // One per client: the new leg only gets through if the old one's slot is given back (the
    // relay ends a live call before it takes the slot, a call ends a live relayed session before
    // it takes one).
    const suite = useResumeStack(backend, { apiKey, maxSessionsPerClient: 1 });
    const { grant, connect, place, hangUp, ended } = suite;
    const call = (extra?: Record<string, unknown>) => suite.call('concierge', extra);

    /** How many of the agent's conversations the figures count (rollups plus live ones). */
    const counted = async () =>
      (await suite.store.analytics.summary({ agentId: suite.conciergeId })).conversations;

    it('goes on through the relay with a dropped call’s conversation: call ended, history replayed, one conversation', async () => {
      const countedBefore = await counted();
      const first = await call();
      const placed = answerOf(first);
      await say(first, opening);
      const before = contextOf(await say(first, rent));

      // The page's network dropped the call and the session fell back to the relay; the server has
      // not noticed yet: the call is still live when the relay grant asks to go on.
      const again = await grant({
        agentId: 'concierge',
        resume: { conversationId: placed.conversationId, token: placed.resumeToken },
      });
      expect(again).toMatchObject({ resumed: true, conversationId: placed.conversationId });
      const relayed = await connect(again);
      // The relay ended the call (hung up upstream) before going on.
      await expect.poll(() => suite.stack.emulator.calls).toBe(0);
      const answer = await say(relayed, parking);
      // The browser saw nothing of the replay: only the new turn's items.
      const added = relayed.events.filter((event) => event.type === 'conversation.item.added');
      expect(added.map((event): unknown[] => [event.item.type, event.item.role])).toEqual([
        ['message', 'user'],
        ['message', 'assistant'],
      ]);
      expect(relayed.events.some((event) => event.type === 'error')).toBe(false);
      // The model's context holds the whole conversation.
      expect(contextOf(answer)).toBeGreaterThan(before);

      relayed.socket.close();
      await ended(placed.conversationId);
      const detail = await suite.store.conversations.detail(placed.conversationId);
      expect(detail.items.map((item) => [item.role, item.text])).toEqual(transcript);
      // The conversation goes on as the latest leg's: relayed now.
      expect(detail.conversation).toMatchObject({ mode: 'relay', endReason: 'client_closed' });
      expect(await counted()).toBe(countedBefore + 1);
    });

    it('goes on with a new call with a relayed conversation: session ended, history replayed first, one conversation', async () => {
      const countedBefore = await counted();
      const first = await grant({ agentId: 'concierge' });
      const stale = await connect(first);
      await say(stale, opening);
      const before = contextOf(await say(stale, rent));

      // The relay has not noticed the drop; the reconnect goes over WebRTC.
      const second = await call({
        resume: { conversationId: first.conversationId, token: first.resumeToken },
      });
      const placed = answerOf(second);
      expect(placed).toMatchObject({ resumed: true, conversationId: first.conversationId });
      // The stale relayed session was ended (as the relay's own resume ends it).
      expect((await stale.closed).code).toBe(1000);

      const answer = await say(second, parking);
      // The replay reached the call before anything else: its echoes come first on the data
      // channel, under `parley_resume_` ids (core drops them), and no greeting follows.
      const items = second.events.filter((event) => event.type === 'conversation.item.added');
      const replayed = items.filter((event) => String(event.item.id).startsWith('parley_resume_'));
      expect(replayed.map((event) => String(event.item.content[0].text))).toEqual([
        opening,
        notUnderstood(opening),
        rent,
        notUnderstood(rent),
      ]);
      const firstResponse = second.events.findIndex((event) => event.type === 'response.created');
      expect(second.events.indexOf(replayed.at(-1)!)).toBeLessThan(firstResponse);
      expect(contextOf(answer)).toBeGreaterThan(before);

      await second.close();
      await hangUp(placed);
      await ended(first.conversationId);
      const detail = await suite.store.conversations.detail(first.conversationId);
      expect(detail.items.map((item) => [item.role, item.text])).toEqual(transcript);
      expect(detail.conversation).toMatchObject({ mode: 'webrtc', endReason: 'client_closed' });
      expect(await counted()).toBe(countedBefore + 1);
    });

    it('keeps the other checks across transports: token, agent, window and a final end', async () => {
      // A call's conversation, ended by a hang-up (resumable), asked for through the relay.
      const ended = await place({ agentId: 'concierge' });
      await hangUp(ended);
      const resume = { conversationId: ended.conversationId, token: ended.resumeToken };
      const refusedByRelay = async (body: Record<string, unknown>) => {
        const answer = await grant(body);
        expect(answer.resumed).toBe(false);
        expect(answer.conversationId).not.toBe(ended.conversationId);
      };
      await refusedByRelay({ agentId: 'concierge', resume: { ...resume, token: 'x'.repeat(43) } });
      await refusedByRelay({ agentId: 'other', resume });
      suite.advance(300_000); // past the 60 s resume window
      await refusedByRelay({ agentId: 'concierge', resume });
      suite.advance(-300_000);

      // A relayed conversation ended by a limit stays ended for a call too.
      const relayed = await grant({ agentId: 'concierge' });
      await suite.store.conversations.start({
        id: relayed.conversationId,
        agentId: suite.conciergeId,
        agentVersion: null,
        mode: 'relay',
        model: 'gpt-realtime',
        clientId: null,
      });
      await suite.store.conversations.end(relayed.conversationId, {
        status: 'completed',
        endReason: 'session_time_limit',
      });
      const refused = await place({
        agentId: 'concierge',
        resume: { conversationId: relayed.conversationId, token: relayed.resumeToken },
      });
      await hangUp(refused);
      expect(refused.resumed).toBe(false);
      expect(refused.conversationId).not.toBe(relayed.conversationId);
      expect(await suite.store.conversations.get(relayed.conversationId)).toMatchObject({
        status: 'completed',
        endReason: 'session_time_limit',
        mode: 'relay',
      });

      // Within the window, the hung-up call's conversation goes on through the relay.
      expect(await grant({ agentId: 'concierge', resume })).toMatchObject({
        resumed: true,
        conversationId: ended.conversationId,
      });
    });
  },
);
