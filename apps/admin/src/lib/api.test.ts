import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ApiClient, ApiError } from './api.js';

function respond(status: number, body: unknown) {
  return new Response(body === undefined ? null : JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json' },
  });
}

describe('ApiClient', () => {
  it('sends the CSRF token on state-changing requests only', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(() => Promise.resolve(respond(200, { ok: true })));
    const client = new ApiClient({ fetch });
    client.setCsrfToken('tok');
    await client.get('/agents', z.object({ ok: z.boolean() }), { agentId: 'a b', empty: '' });
    await client.post('/agents', { name: 'x' }, z.object({ ok: z.boolean() }));
    const [getUrl, getInit] = fetch.mock.calls[0]!;
    const [, postInit] = fetch.mock.calls[1]!;
    expect(getUrl).toBe('/api/admin/agents?agentId=a+b');
    expect((getInit?.headers as Record<string, string>)['x-parley-csrf']).toBeUndefined();
    expect((postInit?.headers as Record<string, string>)['x-parley-csrf']).toBe('tok');
    expect(postInit?.body).toBe('{"name":"x"}');
  });

  it('sends the CSRF token with a request whose answer is binary (the voice preview)', async () => {
    const fetch = vi.fn<typeof globalThis.fetch>(() =>
      Promise.resolve(new Response(new Uint8Array([82, 73, 70, 70]), { status: 200 })),
    );
    const client = new ApiClient({ fetch });
    client.setCsrfToken('tok');
    const blob = await client.postForBlob('/voice-preview', { voice: 'marin' }, 'audio/*');
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe('/api/admin/voice-preview');
    expect((init?.headers as Record<string, string>)['x-parley-csrf']).toBe('tok');
    expect((init?.headers as Record<string, string>).accept).toBe('audio/*');
    expect(blob.size).toBe(4);
  });

  it('turns an error envelope into an ApiError with its issues', async () => {
    const client = new ApiClient({
      fetch: () =>
        Promise.resolve(
          respond(400, {
            error: {
              code: 'invalid_request',
              message: 'bad',
              issues: [{ path: ['name'], message: 'required' }],
            },
          }),
        ),
    });
    const error = await client.post('/tools', {}, z.unknown()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 400,
      code: 'invalid_request',
      issues: [{ path: ['name'], message: 'required' }],
    });
  });

  it('calls the unauthorized handler on 401', async () => {
    const onUnauthorized = vi.fn();
    const client = new ApiClient({
      fetch: () =>
        Promise.resolve(respond(401, { error: { code: 'unauthorized', message: 'sign in' } })),
    });
    client.setUnauthorizedHandler(onUnauthorized);
    await expect(client.get('/me', z.unknown())).rejects.toMatchObject({ status: 401 });
    expect(onUnauthorized).toHaveBeenCalledOnce();
  });

  it('rejects answers that do not match the expected schema', async () => {
    const client = new ApiClient({
      fetch: () => Promise.resolve(respond(200, { agents: 'nope' })),
    });
    await expect(
      client.get('/agents', z.object({ agents: z.array(z.string()) })),
    ).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('reports a network failure as an ApiError with status 0', async () => {
    const client = new ApiClient({ fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(client.get('/agents', z.unknown())).rejects.toMatchObject({
      status: 0,
      code: 'network',
    });
  });
});
