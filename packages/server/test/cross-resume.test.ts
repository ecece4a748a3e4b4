// A conversation goes on across a change of transport (issue 17): an `'auto'` session whose
// WebRTC call dropped and whose reconnect fell back to the relay presents the call's
// `{ conversationId, token }` to `POST /api/sessions`, and a relayed session whose reconnect goes
// over WebRTC presents its grant's to `POST /api/calls`. Either way the server ends the other
// transport's still-live holder of the conversation, reopens the same conversation (its mode the
// new leg's), replays the stored history to the model, stores nothing twice and counts one
// conversation in the figures.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webrtcCallResponseSchema } from '../src/schemas.js';
import type { Store } from '../src/storage/store.js';
import { testBackends } from '../src/test-utils/databases.js';
import {
  connectBrowser,
  notUnderstood,
  publishTestAgent,
  startRelayStack,
} from './relay-helpers.js';
import type { RelayStack, TestBrowser } from './relay-helpers.js';
import { contextOf, hangUpCall, placeCall, relayGrant, say } from './resume-helpers.js';
import type { CallAnswer, RelayGrant } from './resume-helpers.js';
import { callAgent } from './webrtc-browser.js';
import type { WebRtcBrowser } from './webrtc-browser.js';

const apiKey = 'fake-key-cross-resume-test-0017';

const opening = 'My name is Ada and I am looking for a two-bedroom flat near the river.';
const rent = 'What is the rent usually?';
const parking = 'And is there parking?';
/** The transcript of a conversation that said `opening` and `rent` on one leg, `parking` on the next. */
const transcript = [
  ['user', opening],
  ['assistant', notUnderstood(opening)],
  ['user', rent],
  ['assistant', notUnderstood(rent)],
  ['user', parking],
  ['assistant', notUnderstood(parking)],
];

describe.each(testBackends())(
  'resuming a conversation on the other transport on $name',
  (backend) => {
    let stack: RelayStack | undefined;
    let store: Store;
    let base: string;
    let agentId: string;
    let clock = Date.now();
    const calls: WebRtcBrowser[] = [];
    const sockets: TestBrowser[] = [];

    beforeAll(async () => {
      stack = await startRelayStack({
        apiKey,
        database: await backend.open(),
        speechEngine: 'generated',
        seed: async (seeded) => {
          ({ id: agentId } = await publishTestAgent(seeded, 'concierge', {
            instructions: 'Help.',
            transcriptionModel: null,
            outputModality: 'text',
          }));
          await publishTestAgent(seeded, 'other', { instructions: 'Other.' });
        },
        server: {
          // One per client: the new leg only gets through if the old one's slot is given back
          // (the relay ends a live call before it takes the slot, a call ends a live relayed
          // session before it takes one).
          limits: {
            maxSessionsPerClient: 1,
            sessionRequestsPerMinute: 1000,
            resumeWindowMs: 60_000,
          },
          now: () => new Date(clock),
        },
      });
      ({ store, url: base } = stack);
    });

    afterAll(async () => {
      for (const socket of sockets) socket.socket.terminate();
      await Promise.all(calls.map((call) => call.close()));
      await stack?.close();
      await backend.cleanup();
    });

    const grant = (body: Record<string, unknown>) => relayGrant(base, body);

    async function connect(session: RelayGrant): Promise<TestBrowser> {
      const socket = await connectBrowser(session.url, session.ticket);
      sockets.push(socket);
      await socket.waitFor((event) => event.type === 'session.updated');
      return socket;
    }

    async function call(extra: Record<string, unknown> = {}): Promise<WebRtcBrowser> {
      const browser = await callAgent(base, 'concierge', extra);
      calls.push(browser);
      return browser;
    }

    const answerOf = (browser: WebRtcBrowser): CallAnswer =>
      webrtcCallResponseSchema.parse(JSON.parse(browser.responseText));

    const place = (body: Record<string, unknown>) => placeCall(base, body);
    const hangUp = (answer: CallAnswer) => hangUpCall(base, answer);

    async function ended(conversationId: string): Promise<void> {
      await expect
        .poll(async () => (await store.conversations.get(conversationId))?.status, {
          timeout: 5000,
        })
        .not.toBe('active');
    }

    /** How many of the agent's conversations the figures count (rollups plus live ones). */
    const counted = async () => (await store.analytics.summary({ agentId })).conversations;

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
      await expect.poll(() => stack!.emulator.calls).toBe(0);
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
      const detail = await store.conversations.detail(placed.conversationId);
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
      const detail = await store.conversations.detail(first.conversationId);
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
      clock += 300_000; // past the 60 s resume window
      await refusedByRelay({ agentId: 'concierge', resume });
      clock -= 300_000;

      // A relayed conversation ended by a limit stays ended for a call too.
      const relayed = await grant({ agentId: 'concierge' });
      await store.conversations.start({
        id: relayed.conversationId,
        agentId,
        agentVersion: null,
        mode: 'relay',
        model: 'gpt-realtime',
        clientId: null,
      });
      await store.conversations.end(relayed.conversationId, {
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
      expect(await store.conversations.get(relayed.conversationId)).toMatchObject({
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
