// A session built without a transport: WebRTC where the browser has it, else WebSocket, with
// `parleyServerCredentials` left at its default following whichever the session asks for.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CredentialsProvider } from '../ports.js';
import { installFakeBrowser, server, settle, type FakeBrowser } from '../test-utils/index.js';
import { parleyServerCredentials } from './parley-credentials.js';
import { createVoiceSession } from './voice-session.js';
import type { VoiceSessionOptions } from './types.js';

let browser: FakeBrowser | null = null;
afterEach(() => {
  browser?.restore();
  browser = null;
});

/**
 * A session on the default credentials in a fake browser (`webrtc`: it has RTCPeerConnection),
 * connecting; records what the session asked the credentials for.
 */
async function connecting(
  webrtc: boolean,
  transport?: VoiceSessionOptions['transport'],
  extra: Partial<VoiceSessionOptions> = {},
) {
  const fake = installFakeBrowser({ webrtc });
  browser = fake;
  const asked: Parameters<CredentialsProvider>[0][] = [];
  const inner = parleyServerCredentials({ baseUrl: 'http://parley.test', agentId: 'support' });
  const session = createVoiceSession({
    credentials: (context) => {
      asked.push(context);
      return inner(context);
    },
    ...(transport === undefined ? {} : { transport }),
    ...extra,
  });
  const connected = session.connect();
  await settle();
  return { browser: fake, asked, session, connected };
}

describe('createVoiceSession without a transport', () => {
  it('calls over WebRTC where the browser has RTCPeerConnection, posting no relay grant', async () => {
    const { browser, asked, session, connected } = await connecting(true);
    // The WebRTC transport is its own chunk: wait for it to load and post its offer.
    await vi.waitFor(() => expect(browser.requests).toEqual(['POST /api/calls']));
    expect(asked).toEqual([{ attempt: 0, transport: 'auto' }]);
    await settle();
    browser.accept(server.sessionCreated());
    await connected;
    expect(session.getSnapshot().transport).toBe('webrtc');
    expect(session.getSnapshot().transportFallbackReason).toBeNull();
    expect(browser.sockets).toHaveLength(0);
    await session.disconnect();
  });

  it('uses the relay over WebSocket where there is no RTCPeerConnection, and says why', async () => {
    const { browser, asked, session, connected } = await connecting(false);
    // The transport knows at once it cannot do WebRTC: the credentials fetch a relay grant.
    expect(asked).toEqual([{ attempt: 0, transport: 'websocket' }]);
    expect(browser.requests).toEqual(['POST /api/sessions']);
    expect(browser.sockets.map((socket) => socket.url)).toEqual(['ws://parley.test/api/realtime']);
    expect(browser.sockets[0]!.protocols).toEqual(['realtime', 'parley-ticket.tk_fake']);
    browser.accept(server.sessionCreated());
    await connected;
    expect(session.getSnapshot().transport).toBe('websocket');
    expect(session.getSnapshot().transportFallbackReason).toBe('webrtc_unsupported');
    await session.disconnect();
  });

  it("forced onto WebSocket ('websocket') gets a relay grant from the default credentials", async () => {
    const { browser, asked, session, connected } = await connecting(true, 'websocket');
    expect(asked).toEqual([{ attempt: 0, transport: 'websocket' }]);
    expect(browser.requests).toEqual(['POST /api/sessions']);
    browser.accept(server.sessionCreated());
    await connected;
    expect(session.getSnapshot()).toMatchObject({
      transport: 'websocket',
      transportFallbackReason: null,
    });
    expect(browser.peers).toHaveLength(0);
    await session.disconnect();
  });

  it('asks for WebSocket on a reconnect once the network failed WebRTC, and gets a relay grant', async () => {
    const reconnect = { baseDelayMs: 1, maxDelayMs: 1 };
    const { browser, asked, session, connected } = await connecting(true, undefined, { reconnect });
    await vi.waitFor(() => expect(browser.peers).toHaveLength(1));
    await settle();
    browser.peers[0]!.fail();
    // The failed call is hung up; the fallback's relay grant is fetched only now.
    await vi.waitFor(() => expect(browser.sockets).toHaveLength(1));
    expect(browser.requests).toEqual([
      'POST /api/calls',
      'POST /api/calls/call_fake/hangup',
      'POST /api/sessions',
    ]);
    browser.sockets[0]!.open();
    browser.sockets[0]!.receive(server.sessionCreated());
    await connected;
    expect(session.getSnapshot()).toMatchObject({
      transport: 'websocket',
      transportFallbackReason: 'ice_failed',
    });
    browser.sockets[0]!.close(1006, 'dropped');
    await vi.waitFor(() => expect(asked).toHaveLength(2));
    // The network will not do WebRTC on the reconnect either: straight to the relay.
    expect(asked[1]).toEqual({ attempt: 1, transport: 'websocket' });
    await vi.waitFor(() => expect(browser.sockets).toHaveLength(2));
    expect(browser.requests.slice(3)).toEqual(['POST /api/sessions']);
    expect(browser.peers).toHaveLength(1);
    await session.disconnect();
  });
});

// A reconnect goes on with the same conversation whichever transport asks: the last relay grant's
// or answered call's `{ conversationId, token }` (one record) goes with the relay grant request
// and with the offer alike, so the server resumes across a fallback.
describe('a reconnect across transports', () => {
  const reconnect = { baseDelayMs: 1, maxDelayMs: 1 };
  const sessionRequests = (fake: FakeBrowser) =>
    fake.requests.flatMap((request, index) =>
      request === 'POST /api/sessions' ? [fake.bodies[index]] : [],
    );
  const offers = (fake: FakeBrowser) =>
    fake.requests.flatMap((request, index) => {
      if (request !== 'POST /api/calls') return [];
      const { sdp: _sdp, ...fields } = fake.bodies[index] as Record<string, unknown>;
      return [fields];
    });

  it("sends the dropped call's conversation to the relay when the WebRTC reconnect falls back", async () => {
    const { browser, session, connected } = await connecting(true, undefined, { reconnect });
    await vi.waitFor(() => expect(browser.peers).toHaveLength(1));
    await settle();
    browser.accept(server.sessionCreated());
    await connected;
    expect(session.getSnapshot().transport).toBe('webrtc');
    // The call drops on the network after it opened: the reconnect tries WebRTC again…
    browser.peers[0]!.fail();
    await vi.waitFor(() => expect(browser.peers).toHaveLength(2));
    await settle();
    // …and that offer's call, answered, fails its ICE: the session falls back to the relay.
    browser.peers[1]!.fail();
    await vi.waitFor(() => expect(browser.sockets).toHaveLength(1));
    const resume = { conversationId: 'conv_call', token: 'rt_call' };
    expect(offers(browser)).toEqual([{ agentId: 'support' }, { agentId: 'support', resume }]);
    expect(sessionRequests(browser)).toEqual([{ agentId: 'support', resume }]);
    browser.sockets[0]!.open();
    browser.sockets[0]!.receive(server.sessionCreated());
    await vi.waitFor(() =>
      expect(session.getSnapshot()).toMatchObject({
        status: 'connected',
        transport: 'websocket',
        transportFallbackReason: 'ice_failed',
      }),
    );
    await session.disconnect();
  });

  it("sends the relay grant's conversation with the offer when a reconnect goes over WebRTC", async () => {
    const fake = installFakeBrowser({ webrtc: true });
    browser = fake;
    // The server first refuses the offer (a refusal is asked again on the next connect).
    fake.answers['/api/calls'] = {
      status: 409,
      body: { error: { code: 'relay_required', message: 'relay only for now' } },
    };
    const inner = parleyServerCredentials({ baseUrl: 'http://parley.test', agentId: 'support' });
    const session = createVoiceSession({ credentials: inner, reconnect });
    const connected = session.connect();
    await vi.waitFor(() => expect(fake.sockets).toHaveLength(1));
    fake.sockets[0]!.open();
    fake.sockets[0]!.receive(server.sessionCreated());
    await connected;
    expect(session.getSnapshot().transportFallbackReason).toBe('relay_required');
    fake.answers['/api/calls'] = {
      status: 201,
      body: {
        sdp: 'v=0 fake answer',
        callId: 'call_2',
        conversationId: 'conv_relay',
        resumeToken: 'rt_relay',
      },
    };
    fake.sockets[0]!.close(1006, 'dropped');
    // The refused offer had its own peer; the reconnect's is the second.
    await vi.waitFor(() => expect(fake.peers).toHaveLength(2));
    const resume = { conversationId: 'conv_relay', token: 'rt_relay' };
    expect(offers(fake)).toEqual([{ agentId: 'support' }, { agentId: 'support', resume }]);
    expect(sessionRequests(fake)).toEqual([{ agentId: 'support' }]);
    await settle();
    fake.peers[1]!.open();
    fake.peers[1]!.receive(server.sessionCreated());
    await vi.waitFor(() =>
      expect(session.getSnapshot()).toMatchObject({ status: 'connected', transport: 'webrtc' }),
    );
    await session.disconnect();
  });
});
