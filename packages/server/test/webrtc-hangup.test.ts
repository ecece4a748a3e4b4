// `POST /api/calls/{callId}/hangup`: the browser ends its own WebRTC call (its page closed, or the
// session ended) with the token the call was answered with. The slot is free when it answers, the
// upstream call is hung up, a second hang-up answers the same, and nobody else can end it.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../src/test-utils/databases.js';
import { publishTestAgent, startRelayStack } from './relay-helpers.js';
import type { RelayStack } from './relay-helpers.js';
import { postCall } from './webrtc-browser.js';

const apiKey = 'fake-key-webrtc-hangup-test';
const offer = readFileSync(
  new URL('../src/webrtc/__fixtures__/offer.sdp', import.meta.url),
  'utf8',
);
const [backend] = testBackends();
let stack: RelayStack;

interface Placed {
  callId: string;
  conversationId: string;
  resumeToken: string;
}

beforeAll(async () => {
  stack = await startRelayStack({
    apiKey,
    database: await backend!.open(),
    speechEngine: 'generated',
    seed: async (store) => {
      await publishTestAgent(store, 'tester', { instructions: 'Hang-up test' });
      await publishTestAgent(store, 'live', {
        api: 'live',
        model: 'gpt-live-1',
        instructions: 'Hang-up test',
      });
    },
    server: { limits: { maxSessionsPerClient: 1, sessionRequestsPerMinute: 1000 } },
  });
});
afterAll(async () => {
  await stack.close();
  await backend!.cleanup();
});

async function place(agentId = 'tester'): Promise<Placed> {
  const response = await postCall(stack.url, { agentId, sdp: offer });
  expect(response.status).toBe(201);
  return (await response.json()) as Placed;
}

function hangUp(callId: string, body: unknown): Promise<Response> {
  return fetch(`${stack.url}/api/calls/${encodeURIComponent(callId)}/hangup`, {
    method: 'POST',
    // What `fetch(..., { keepalive: true })` from `pagehide` sends; a beacon's text/plain works too.
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: JSON.stringify(body),
  });
}

const errorCode = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

describe('POST /api/calls/{callId}/hangup', () => {
  it.each(['tester', 'live'])(
    'ends the %s call with its own token: slot free, upstream hung up, stored as client_closed',
    async (agentId) => {
      const placed = await place(agentId);
      // The cap is 1: the call holds the client's only slot.
      expect((await postCall(stack.url, { agentId, sdp: offer })).status).toBe(429);
      const ended = await hangUp(placed.callId, { token: placed.resumeToken });
      expect(ended.status).toBe(200);
      expect(await ended.json()).toEqual({ callId: placed.callId, ended: true });
      // The slot is free as soon as the hang-up answered: a new call is placed at once.
      const next = await place(agentId);
      const conversation = await stack.store.conversations.get(placed.conversationId);
      expect(conversation?.endReason).toBe('client_closed');
      // Idempotent: the same hang-up again answers the same and ends nothing else.
      const again = await hangUp(placed.callId, { token: placed.resumeToken });
      expect(again.status).toBe(200);
      expect((await stack.store.conversations.get(next.conversationId))?.status).toBe('active');
      expect((await hangUp(next.callId, { token: next.resumeToken })).status).toBe(200);
      // Hung up upstream too: the emulator holds no call or Live session.
      await expect
        .poll(() => stack.emulator.calls + stack.emulator.liveSessionIds().length)
        .toBe(0);
    },
  );

  it("cannot end somebody else's call, and says so clearly for an unknown one", async () => {
    const mine = await place();
    try {
      // Another conversation's token (a call of its own, ended) does not end this one.
      const forged = await hangUp(mine.callId, { token: 'not-the-token-of-this-call' });
      expect(forged.status).toBe(403);
      expect(await errorCode(forged)).toBe('forbidden');
      const unknown = await hangUp('no-such-call', { token: mine.resumeToken });
      expect(unknown.status).toBe(404);
      expect(await errorCode(unknown)).toBe('not_found');
      const noToken = await hangUp(mine.callId, {});
      expect(noToken.status).toBe(400);
      expect((await stack.store.conversations.get(mine.conversationId))?.status).toBe('active');
      expect((await postCall(stack.url, { agentId: 'tester', sdp: offer })).status).toBe(429);
    } finally {
      expect((await hangUp(mine.callId, { token: mine.resumeToken })).status).toBe(200);
    }
  });
});
