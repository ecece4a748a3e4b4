import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from './api.js';
import { playgroundCredentials, refusalRecorder, transportLabel } from './playground.js';

function clientAnswering(body: unknown) {
  const fetch = vi.fn<typeof globalThis.fetch>(() =>
    Promise.resolve(new Response(JSON.stringify(body), { status: 200 })),
  );
  const client = new ApiClient({ fetch });
  client.setCsrfToken('csrf');
  return { client, fetch };
}

/** What the admin API answers a playground session request with. */
const relayGrant = {
  mode: 'relay',
  url: '/api/realtime',
  ticket: 'tkt_1',
  expiresAt: '2026-01-01T00:00:00Z',
  conversationId: 'conv_1',
  resumeToken: 'rt_1',
  resumed: false,
};

describe('playground credentials', () => {
  it('asks the admin API for a ticket to the chosen version and connects to the relay with it', async () => {
    const { client, fetch } = clientAnswering(relayGrant);
    const credentials = await playgroundCredentials(
      client,
      'agt 1',
      3,
      'https://voice.example.com/admin/',
    )({ attempt: 0 });
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/admin/agents/agt%201/playground');
    expect(init?.body).toBe('{"version":3}');
    expect((init?.headers as Record<string, string>)['x-parley-csrf']).toBe('csrf');
    expect(credentials).toEqual({
      url: 'wss://voice.example.com/api/realtime',
      protocols: ['realtime', 'parley-ticket.tkt_1'],
      dialect: 'ga',
      serverRunsTools: true,
      managedSession: true,
    });
  });

  it('asks to resume the conversation on a reconnect, and not on a new connect', async () => {
    const { client, fetch } = clientAnswering(relayGrant);
    const provider = playgroundCredentials(client, 'a', 2, 'http://localhost/');
    await provider({ attempt: 0 });
    await provider({ attempt: 1 });
    await provider({ attempt: 0 });
    expect(fetch.mock.calls.map(([, init]) => JSON.parse(init?.body as string) as unknown)).toEqual(
      [
        { version: 2 },
        { version: 2, resume: { conversationId: 'conv_1', token: 'rt_1' } },
        { version: 2 },
      ],
    );
  });

  it('uses the client secret in direct mode', async () => {
    const { client } = clientAnswering({
      mode: 'direct',
      url: 'wss://realtime.example.com/v1/realtime?model=gpt-realtime',
      clientSecret: 'ek_1',
      expiresAt: '2026-01-01T00:00:00Z',
      model: 'gpt-realtime',
    });
    const credentials = await playgroundCredentials(
      client,
      'a',
      1,
      'http://localhost/',
    )({ attempt: 1 });
    expect(credentials.protocols).toEqual(['realtime', 'openai-insecure-api-key.ek_1']);
    expect(credentials.model).toBe('gpt-realtime');
  });

  it('turns page-relative http URLs into WebSocket URLs', async () => {
    const { client } = clientAnswering({
      mode: 'relay',
      url: '/api/realtime',
      ticket: 't',
      expiresAt: '2026-01-01T00:00:00Z',
      conversationId: 'conv_1',
      resumeToken: 'rt_1',
      resumed: false,
    });
    const credentials = await playgroundCredentials(
      client,
      'a',
      1,
      'http://127.0.0.1:8080/admin/',
    )({ attempt: 0 });
    expect(credentials.url).toBe('ws://127.0.0.1:8080/api/realtime');
  });

  it("over WebRTC, offers to the playground calls route with the version and the CSRF header, in core's endpoint shape", async () => {
    const { client, fetch } = clientAnswering(relayGrant);
    const provider = playgroundCredentials(client, 'agt 1', 3, 'http://localhost/');
    const credentials = await provider({ attempt: 0, transport: 'webrtc' });
    // Nothing is asked of the relay for a WebRTC connect.
    expect(fetch).not.toHaveBeenCalled();
    expect(credentials.webrtc).toMatchObject({
      url: '/api/admin/agents/agt%201/playground/calls',
      format: 'json',
      fields: { version: 3 },
      headers: { 'x-parley-csrf': 'csrf' },
      openEvents: [{ type: 'input_audio_buffer.clear' }],
    });
    expect(credentials.fallback).toBeUndefined();
    expect(credentials).toMatchObject({ serverRunsTools: true, managedSession: true });
    // A reconnect after the call was answered goes on with its conversation.
    credentials.webrtc!.answered!({
      callId: 'call_1',
      conversationId: 'conv_9',
      resumeToken: 'rt_9',
    });
    const again = await provider({ attempt: 1, transport: 'webrtc' });
    expect(again.webrtc!.fields).toEqual({
      version: 3,
      resume: { conversationId: 'conv_9', token: 'rt_9' },
    });
  });

  it("on 'auto', falls back to the relay for the same version; a GPT-Live version's call speaks Live", async () => {
    const { client, fetch } = clientAnswering({ ...relayGrant, protocol: 'live' });
    const provider = playgroundCredentials(client, 'a', 2, 'http://localhost/', 'live');
    const credentials = await provider({ attempt: 0, transport: 'auto' });
    expect(credentials.protocol).toBe('live');
    expect(credentials.webrtc!.openEvents).toEqual([]);
    const relayed = await credentials.fallback!();
    expect(relayed.protocols).toEqual(['realtime', 'parley-ticket.tkt_1']);
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/admin/agents/a/playground');
    expect(init?.body).toBe('{"version":2}');
  });

  it('keeps the message of a refused offer, and says which transport is in use and why it fell back', async () => {
    const refused = new Response(
      JSON.stringify({ error: { code: 'relay_required', message: 'this agent records' } }),
      { status: 409 },
    );
    const answers = [refused, new Response('{}', { status: 201 })];
    const recorder = refusalRecorder(() => Promise.resolve(answers.shift()!));
    const response = await recorder.fetch('/x', { method: 'POST' });
    // The transport still reads the body itself.
    expect((await response.json()) as unknown).toMatchObject({ error: { code: 'relay_required' } });
    expect(recorder.last()).toBe('this agent records');
    expect(transportLabel('websocket', 'relay_required', recorder.last())).toBe(
      'WebSocket (relay); fell back from WebRTC: this agent records',
    );
    await recorder.fetch('/x', { method: 'POST' });
    expect(recorder.last()).toBeNull();
    expect(transportLabel('webrtc', null, null)).toBe('WebRTC');
    expect(transportLabel('websocket', null, null)).toBe('WebSocket (relay)');
    expect(transportLabel('websocket', 'webrtc_unsupported', null)).toBe(
      'WebSocket (relay); fell back from WebRTC: this browser cannot place WebRTC calls',
    );
    expect(transportLabel(null, null, null)).toBe('—');
  });

  it('goes on with one conversation across transports: a dropped call on the relay, a relayed one over WebRTC', async () => {
    const { client, fetch } = clientAnswering(relayGrant);
    const provider = playgroundCredentials(client, 'a', 4, 'http://localhost/');
    const call = await provider({ attempt: 0, transport: 'auto' });
    call.webrtc!.answered!({ callId: 'call_1', conversationId: 'conv_7', resumeToken: 'rt_7' });
    // The reconnect falls back to the relay: its grant request resumes the call's conversation.
    await (
      await provider({ attempt: 1, transport: 'auto' })
    ).fallback!();
    expect(JSON.parse(fetch.mock.calls[0]![1]?.body as string)).toEqual({
      version: 4,
      resume: { conversationId: 'conv_7', token: 'rt_7' },
    });
    // The next reconnect is over WebRTC again: the offer resumes the relay grant's conversation.
    const again = await provider({ attempt: 2, transport: 'webrtc' });
    expect(again.webrtc!.fields).toEqual({
      version: 4,
      resume: { conversationId: 'conv_1', token: 'rt_1' },
    });
  });
});
