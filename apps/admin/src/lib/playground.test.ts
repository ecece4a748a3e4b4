import { describe, expect, it, vi } from 'vitest';
import { ApiClient } from './api.js';
import { playgroundCredentials } from './playground.js';

function clientAnswering(body: unknown) {
  const fetch = vi.fn<typeof globalThis.fetch>(() =>
    Promise.resolve(new Response(JSON.stringify(body), { status: 200 })),
  );
  const client = new ApiClient({ fetch });
  client.setCsrfToken('csrf');
  return { client, fetch };
}

describe('playground credentials', () => {
  it('asks the admin API for a ticket to the chosen version and connects to the relay with it', async () => {
    const { client, fetch } = clientAnswering({
      mode: 'relay',
      url: '/api/realtime',
      ticket: 'tkt_1',
      expiresAt: '2026-01-01T00:00:00Z',
      conversationId: 'conv_1',
      resumeToken: 'rt_1',
      resumed: false,
    });
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
    const { client, fetch } = clientAnswering({
      mode: 'relay',
      url: '/api/realtime',
      ticket: 'tkt_1',
      expiresAt: '2026-01-01T00:00:00Z',
      conversationId: 'conv_1',
      resumeToken: 'rt_1',
      resumed: false,
    });
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
});
