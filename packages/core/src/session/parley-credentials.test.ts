import { describe, expect, it } from 'vitest';
import { parleyServerCredentials } from './parley-credentials.js';

function fakeFetch(status: number, body: unknown) {
  const calls: { url: string; init: RequestInit | undefined }[] = [];
  const fetchImpl = (url: string | URL | Request, init?: RequestInit) => {
    calls.push({ url: url instanceof Request ? url.url : url.toString(), init });
    return Promise.resolve(
      new Response(typeof body === 'string' ? body : JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
    );
  };
  return { calls, fetch: fetchImpl };
}

/** Credentials on a server that grants `wss://relay.test/rt`, with the given `transport` option. */
function relayCredentials(transport?: 'websocket' | 'webrtc' | 'auto') {
  const server = fakeFetch(200, { mode: 'relay', url: 'wss://relay.test/rt', ticket: 'tk_r' });
  const provider = parleyServerCredentials({
    baseUrl: '',
    agentId: 'a',
    fetch: server.fetch,
    ...(transport === undefined ? {} : { transport }),
  });
  return { server, provider };
}

describe('parleyServerCredentials', () => {
  it('asks the server for a session and connects to the relay with its ticket', async () => {
    const server = fakeFetch(200, {
      mode: 'relay',
      url: '/api/realtime',
      ticket: 'tk_abc',
      expiresAt: '2026-01-01T00:01:00Z',
    });
    const provider = parleyServerCredentials({
      baseUrl: 'https://voice.example.com/',
      agentId: 'support',
      fetch: server.fetch,
    });
    const credentials = await provider({ attempt: 0 });
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]?.url).toBe('https://voice.example.com/api/sessions');
    expect(server.calls[0]?.init?.method).toBe('POST');
    expect(JSON.parse(server.calls[0]?.init?.body as string)).toEqual({ agentId: 'support' });
    expect(credentials).toEqual({
      url: 'wss://voice.example.com/api/realtime',
      protocols: ['realtime', 'parley-ticket.tk_abc'],
      dialect: 'ga',
      serverRunsTools: true,
      managedSession: true,
    });
  });

  it('speaks GPT-Live to the relay when the grant says the agent is a Live agent', async () => {
    const grant = { mode: 'relay', url: '/api/realtime', ticket: 'tk_live' };
    const live = await parleyServerCredentials({
      baseUrl: 'https://voice.example.com',
      agentId: 'support-live',
      fetch: fakeFetch(200, { ...grant, protocol: 'live' }).fetch,
    })({ attempt: 0 });
    expect(live.protocol).toBe('live');
    expect(live.managedSession).toBe(true);
    const realtime = await parleyServerCredentials({
      baseUrl: 'https://voice.example.com',
      agentId: 'support',
      fetch: fakeFetch(200, { ...grant, protocol: 'realtime' }).fetch,
    })({ attempt: 0 });
    expect(realtime.protocol).toBeUndefined();
    await expect(
      parleyServerCredentials({
        baseUrl: 'https://voice.example.com',
        agentId: 'support',
        fetch: fakeFetch(200, { ...grant, protocol: 'gemini' }).fetch,
      })({ attempt: 0 }),
    ).rejects.toMatchObject({ reason: 'protocol' });
  });

  it('asks to go on with the same conversation on a reconnect, and not on a new connect', async () => {
    let served = 0;
    const bodies: unknown[] = [];
    const fetchImpl = (_url: string | URL | Request, init?: RequestInit) => {
      bodies.push(JSON.parse(init?.body as string));
      served += 1;
      return Promise.resolve(
        Response.json({
          mode: 'relay',
          url: 'ws://localhost/api/realtime',
          ticket: `tk_${served}`,
          conversationId: 'conv_1',
          resumeToken: `rt_${served}`,
          resumed: served > 1,
        }),
      );
    };
    const provider = parleyServerCredentials({ baseUrl: '', agentId: 'support', fetch: fetchImpl });
    await provider({ attempt: 0 });
    await provider({ attempt: 1 });
    await provider({ attempt: 2 });
    await provider({ attempt: 0 });
    expect(bodies).toEqual([
      { agentId: 'support' },
      { agentId: 'support', resume: { conversationId: 'conv_1', token: 'rt_1' } },
      { agentId: 'support', resume: { conversationId: 'conv_1', token: 'rt_2' } },
      { agentId: 'support' },
    ]);
  });

  it("over WebRTC asks to go on with the last answered call's conversation on a reconnect", async () => {
    const provider = parleyServerCredentials({
      baseUrl: '',
      agentId: 'support',
      transport: 'webrtc',
    });
    const first = (await provider({ attempt: 0 })).webrtc!;
    expect(first.fields).toEqual({ agentId: 'support' });
    first.answered!({
      sdp: 'v=0',
      callId: 'call_1',
      conversationId: 'conv_1',
      resumeToken: 'rt_1',
    });
    // The call dropped: the fresh offer carries the conversation and its token.
    const second = (await provider({ attempt: 1 })).webrtc!;
    expect(second.fields).toEqual({
      agentId: 'support',
      resume: { conversationId: 'conv_1', token: 'rt_1' },
    });
    // An offer that failed before it was answered leaves the conversation to resume as it was.
    const third = (await provider({ attempt: 2 })).webrtc!;
    expect(third.fields).toEqual(second.fields);
    third.answered!({
      sdp: 'v=0',
      callId: 'call_3',
      conversationId: 'conv_1',
      resumeToken: 'rt_3',
    });
    expect((await provider({ attempt: 3 })).webrtc!.fields).toEqual({
      agentId: 'support',
      resume: { conversationId: 'conv_1', token: 'rt_3' },
    });
    // A new connect() is a new conversation.
    expect((await provider({ attempt: 0 })).webrtc!.fields).toEqual({ agentId: 'support' });
  });

  it('connects straight to OpenAI with the client secret in direct mode', async () => {
    const server = fakeFetch(200, {
      mode: 'direct',
      url: 'wss://api.openai.example/v1/realtime?model=gpt-realtime',
      clientSecret: 'ek_123',
      expiresAt: 1767225660,
      model: 'gpt-realtime',
    });
    const credentials = await parleyServerCredentials({
      baseUrl: 'http://localhost:8787',
      agentId: 'a',
      fetch: server.fetch,
    })({ attempt: 2 });
    expect(credentials).toEqual({
      url: 'wss://api.openai.example/v1/realtime?model=gpt-realtime',
      protocols: ['realtime', 'openai-insecure-api-key.ek_123'],
      dialect: 'ga',
      serverRunsTools: false,
      model: 'gpt-realtime',
    });
  });

  it('fails with typed errors: refused (auth), unreachable (transport), malformed (protocol)', async () => {
    const refused = fakeFetch(403, 'agent not published');
    await expect(
      parleyServerCredentials({ baseUrl: 'http://h', agentId: 'x', fetch: refused.fetch })({
        attempt: 0,
      }),
    ).rejects.toMatchObject({
      reason: 'auth',
      code: '403',
      message: expect.stringContaining('agent not published'),
    });

    const unreachable = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    await expect(
      parleyServerCredentials({ baseUrl: 'http://h', agentId: 'x', fetch: unreachable })({
        attempt: 0,
      }),
    ).rejects.toMatchObject({ reason: 'transport' });

    const malformed = fakeFetch(200, { mode: 'relay', url: '/api/realtime' });
    await expect(
      parleyServerCredentials({ baseUrl: 'http://h', agentId: 'x', fetch: malformed.fetch })({
        attempt: 0,
      }),
    ).rejects.toMatchObject({ reason: 'protocol' });
  });

  it("over WebRTC ('auto') posts no session up front and fetches a relay grant only on fallback", async () => {
    const server = fakeFetch(200, { mode: 'relay', url: '/api/realtime', ticket: 'tk_fb' });
    const provider = parleyServerCredentials({
      baseUrl: 'https://voice.example.com',
      agentId: 'support',
      fetch: server.fetch,
      transport: 'auto',
    });
    const credentials = await provider({ attempt: 0 });
    expect(server.calls).toHaveLength(0);
    expect(credentials.webrtc).toEqual({
      url: 'https://voice.example.com/api/calls',
      format: 'json',
      fields: { agentId: 'support' },
      openEvents: [{ type: 'input_audio_buffer.clear' }],
      answered: expect.any(Function),
      hangup: expect.any(Function),
      text: expect.any(Function),
    });
    expect(credentials.managedSession).toBe(true);
    const fallback = await credentials.fallback!();
    expect(server.calls.map((call) => call.url)).toEqual([
      'https://voice.example.com/api/sessions',
    ]);
    expect(fallback.protocols).toEqual(['realtime', 'parley-ticket.tk_fb']);
  });

  it('by default follows the transport the session asks for', async () => {
    const { server, provider } = relayCredentials();
    const auto = await provider({ attempt: 0, transport: 'auto' });
    expect(auto.webrtc?.url).toBe('/api/calls');
    expect(auto.fallback).toEqual(expect.any(Function));
    const webrtc = await provider({ attempt: 0, transport: 'webrtc' });
    expect(webrtc.webrtc?.url).toBe('/api/calls');
    expect(webrtc.fallback).toBeUndefined();
    expect(server.calls).toHaveLength(0);
    const relay = await provider({ attempt: 0, transport: 'websocket' });
    expect(relay.webrtc).toBeUndefined();
    expect(relay.protocols).toEqual(['realtime', 'parley-ticket.tk_r']);
    expect(server.calls.map((call) => call.url)).toEqual(['/api/sessions']);
  });

  it("gives a session on WebSocket a relay grant even when set to 'webrtc'", async () => {
    const { server, provider } = relayCredentials('webrtc');
    const credentials = await provider({ attempt: 0, transport: 'websocket' });
    expect(credentials.url).toBe('wss://relay.test/rt');
    expect(credentials.webrtc).toBeUndefined();
    expect(server.calls.map((call) => call.url)).toEqual(['/api/sessions']);
  });

  it("gives a session on WebRTC its offer endpoint even when set to 'websocket'", async () => {
    const { server, provider } = relayCredentials('websocket');
    const webrtc = await provider({ attempt: 0, transport: 'webrtc' });
    expect(webrtc.webrtc?.url).toBe('/api/calls');
    const auto = await provider({ attempt: 0, transport: 'auto' });
    expect(auto.webrtc?.url).toBe('/api/calls');
    expect(server.calls).toHaveLength(0);
    expect((await auto.fallback!()).url).toBe('wss://relay.test/rt');
  });

  it("over WebRTC only ('webrtc') has no fallback", async () => {
    const provider = parleyServerCredentials({ baseUrl: '', agentId: 'a', transport: 'webrtc' });
    const credentials = await provider({ attempt: 0 });
    expect(credentials.webrtc?.url).toBe('/api/calls');
    expect(credentials.fallback).toBeUndefined();
  });

  it("over WebRTC to a GPT-Live agent ('live') speaks Live and sends nothing when the channel opens", async () => {
    const provider = parleyServerCredentials({
      baseUrl: '',
      agentId: 'live-agent',
      transport: 'webrtc',
      protocol: 'live',
    });
    const credentials = await provider({ attempt: 0 });
    expect(credentials.protocol).toBe('live');
    expect(credentials.managedSession).toBe(true);
    expect(credentials.webrtc).toMatchObject({ url: '/api/calls', openEvents: [] });
    const realtime = await parleyServerCredentials({
      baseUrl: '',
      agentId: 'a',
      transport: 'webrtc',
    })({ attempt: 0 });
    expect(realtime.protocol).toBeUndefined();
  });

  /** A WebRTC provider for voice.example.com with the app's header, over `server`. */
  const callsProvider = (server: ReturnType<typeof fakeFetch>) =>
    parleyServerCredentials({
      baseUrl: 'https://voice.example.com',
      agentId: 'support',
      fetch: server.fetch,
      headers: { 'x-app': '1' },
      transport: 'webrtc',
    });
  /** What a call route of call `call/1` is sent: keepalive, plain text, the app's header. */
  const callRoute = (action: string, body: Record<string, unknown>) => ({
    url: `https://voice.example.com/api/calls/call%2F1/${action}`,
    init: {
      method: 'POST',
      keepalive: true,
      headers: { 'content-type': 'text/plain;charset=UTF-8', 'x-app': '1' },
      body: JSON.stringify(body),
    },
  });

  it('hangs the answered call up by its id and token, once, with keepalive and the app headers', async () => {
    const server = fakeFetch(200, { callId: 'c1', ended: true });
    const provider = callsProvider(server);
    const unanswered = (await provider({ attempt: 0 })).webrtc!;
    unanswered.hangup!();
    expect(server.calls).toHaveLength(0);
    const endpoint = (await provider({ attempt: 0 })).webrtc!;
    endpoint.answered!({ sdp: 'v=0', callId: 'call/1', resumeToken: 'tok-1' });
    endpoint.hangup!();
    endpoint.hangup!();
    expect(server.calls).toEqual([callRoute('hangup', { token: 'tok-1' })]);
  });

  it('posts typed text for the answered call by its id and token (the transport reads the answer)', async () => {
    const server = fakeFetch(202, { callId: 'c1', itemId: 'typed_1' });
    const endpoint = (await callsProvider(server)({ attempt: 0 })).webrtc!;
    endpoint.answered!({ sdp: 'v=0', callId: 'call/1', resumeToken: 'tok-1' });
    const response = await endpoint.text!('What are your fees?');
    expect(response.status).toBe(202);
    expect(server.calls).toEqual([
      callRoute('text', { token: 'tok-1', text: 'What are your fees?' }),
    ]);
  });
});
