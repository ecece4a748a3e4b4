// `POST /api/calls/{callId}/text`: the visitor types on a GPT-Live call over WebRTC, whose data
// channel may only mute and unmute. With the call's own token, the server stores the user item
// and sends the text through the sideband as the Live relay does; the emulator's backend answers
// on the browser's channel. Everything else gets a clear 4xx and sends nothing.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testBackends } from '../src/test-utils/databases.js';
import { publishTestAgent, startRelayStack } from './relay-helpers.js';
import type { RelayStack } from './relay-helpers.js';
import { callAgent, postCall } from './webrtc-browser.js';
import type { WebRtcBrowser } from './webrtc-browser.js';

const apiKey = 'fake-key-webrtc-text-test';
const offer = readFileSync(
  new URL('../src/webrtc/__fixtures__/offer.sdp', import.meta.url),
  'utf8',
);
const live = { api: 'live', model: 'gpt-live-1', transcriptionModel: null } as const;

interface Placed {
  callId: string;
  conversationId: string;
  resumeToken: string;
}

function postText(base: string, callId: string, body: unknown): Promise<Response> {
  return fetch(`${base}/api/calls/${encodeURIComponent(callId)}/text`, {
    method: 'POST',
    // What core sends: a plain-text body, so a cross-origin page needs no preflight.
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const errorCode = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

const said = (browser: WebRtcBrowser) =>
  browser.events
    .filter((event) => event.type === 'session.output_transcript.delta')
    .map((event) => event.delta as string)
    .join('');

describe.each(testBackends())('POST /api/calls/{callId}/text on $name', (backend) => {
  let stack: RelayStack;

  beforeAll(async () => {
    stack = await startRelayStack({
      apiKey,
      database: await backend.open(),
      speechEngine: 'generated',
      seed: async (store) => {
        await publishTestAgent(store, 'live', {
          ...live,
          instructions: 'You are Ava, the voice assistant of Example Realty.',
          greeting: 'Hello from the Live greeting.',
          tools: ['capture_lead'],
        });
        await publishTestAgent(store, 'live-client', {
          ...live,
          instructions: 'Client delegation',
          live: { delegation: 'client' },
        });
        await publishTestAgent(store, 'realtime', { instructions: 'Realtime' });
      },
      server: { limits: { sessionRequestsPerMinute: 1000 } },
    });
  });
  afterAll(async () => {
    await stack.close();
    await backend.cleanup();
  });

  async function place(agentId: string): Promise<Placed> {
    const response = await postCall(stack.url, { agentId, sdp: offer });
    expect(response.status).toBe(201);
    return (await response.json()) as Placed;
  }

  async function hangUp(placed: Placed): Promise<void> {
    const response = await fetch(`${stack.url}/api/calls/${placed.callId}/hangup`, {
      method: 'POST',
      body: JSON.stringify({ token: placed.resumeToken }),
    });
    expect(response.status).toBe(200);
  }

  it('stores the typed text as a user item and the backend answers it on the data channel', async () => {
    const browser = await callAgent(stack.url, 'live');
    const stop = browser.streamSilence();
    try {
      const placed = JSON.parse(browser.responseText) as Placed;
      await browser.waitFor(() => said(browser).includes('Live greeting.'), 20_000);
      const text = 'Please capture a lead: my name is Dana Smith and my email is dana@example.com';
      const response = await postText(stack.url, placed.callId, {
        token: placed.resumeToken,
        text,
      });
      expect(response.status).toBe(202);
      const body = (await response.json()) as { callId: string; itemId: string };
      expect(body.callId).toBe(placed.callId);
      // The backend calls the server tool for the typed words; the voice reports the lead.
      await browser.waitFor(
        () => /lead/i.test(said(browser).replace('Let me check that.', '')),
        20_000,
      );
      const leads = await stack.store.leads.listLeads({ limit: 5 });
      expect(leads.map((lead) => lead.email)).toContain('dana@example.com');
      await expect
        .poll(async () => {
          const detail = await stack.store.conversations.detail(placed.conversationId);
          return detail.items.find((item) => item.itemId === body.itemId);
        })
        .toMatchObject({ role: 'user', text, type: 'message' });
    } finally {
      stop();
      await browser.close();
    }
  });

  it('answers each bad request with a clear 4xx and sends nothing', async () => {
    const placed = await place('live');
    const bad = async (callId: string, body: unknown, status: number, code: string) => {
      const response = await postText(stack.url, callId, body);
      expect([response.status, await errorCode(response)]).toEqual([status, code]);
    };
    const token = placed.resumeToken;
    await bad(placed.callId, 'not json', 400, 'invalid_json');
    await bad(placed.callId, { token }, 400, 'invalid_request');
    await bad(placed.callId, { token, text: 42 }, 400, 'invalid_request');
    await bad(placed.callId, { token, text: '   \n ' }, 400, 'invalid_request');
    await bad(placed.callId, { token, text: 'x'.repeat(4001) }, 400, 'invalid_request');
    await bad(placed.callId, { token: 'not-this-call', text: 'hi' }, 403, 'forbidden');
    await bad('no-such-call', { token, text: 'hi' }, 404, 'not_found');
    const detail = await stack.store.conversations.detail(placed.conversationId);
    expect(detail.items.filter((item) => item.role === 'user')).toEqual([]);
    await hangUp(placed);
    await bad(placed.callId, { token, text: 'hi' }, 409, 'call_ended');
  });

  it('limits typed messages per call (429 with Retry-After), not per client', async () => {
    const first = await place('live');
    const second = await place('live');
    try {
      for (let index = 0; index < 5; index++) {
        const sent = await postText(stack.url, first.callId, {
          token: first.resumeToken,
          text: `message ${index}`,
        });
        expect(sent.status).toBe(202);
      }
      const limited = await postText(stack.url, first.callId, {
        token: first.resumeToken,
        text: 'one too many',
      });
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await errorCode(limited)).toBe('rate_limited');
      const other = await postText(stack.url, second.callId, {
        token: second.resumeToken,
        text: 'my own call',
      });
      expect(other.status).toBe(202);
      await expect
        .poll(async () => {
          const detail = await stack.store.conversations.detail(first.conversationId);
          return detail.items.filter((item) => item.role === 'user').map((item) => item.text);
        })
        .toEqual(['message 0', 'message 1', 'message 2', 'message 3', 'message 4']);
    } finally {
      await hangUp(first);
      await hangUp(second);
    }
  });

  it('answers 409 data_channel_text for a Realtime call: its channel carries typed text', async () => {
    const placed = await place('realtime');
    try {
      const response = await postText(stack.url, placed.callId, {
        token: placed.resumeToken,
        text: 'hello',
      });
      expect(response.status).toBe(409);
      expect(await errorCode(response)).toBe('data_channel_text');
    } finally {
      await hangUp(placed);
    }
  });

  it("under client delegation the server's backend answers the typed text, as on the relay", async () => {
    const browser = await callAgent(stack.url, 'live-client');
    const stop = browser.streamSilence();
    try {
      const placed = JSON.parse(browser.responseText) as Placed;
      const text = 'What are your opening hours?';
      const response = await postText(stack.url, placed.callId, {
        token: placed.resumeToken,
        text,
      });
      expect(response.status).toBe(202);
      // Silent context for the voice, then the backend's answer as commentary, which it speaks.
      await browser.waitFor(() => said(browser).trim().length > 10, 15_000);
      await expect
        .poll(async () => {
          const detail = await stack.store.conversations.detail(placed.conversationId);
          return detail.items.map((item) => [item.role, item.text]);
        })
        .toEqual([
          ['user', text],
          ['assistant', expect.stringContaining(said(browser).trim().slice(0, 10))],
        ]);
    } finally {
      stop();
      await browser.close();
    }
  });
});
