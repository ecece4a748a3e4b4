import { describe, expect, it } from 'vitest';
import { fetchUpstreamKind } from './upstream.js';

const answer =
  (status: number, body: unknown): typeof fetch =>
  () =>
    Promise.resolve(new Response(JSON.stringify(body), { status }));

describe('fetchUpstreamKind', () => {
  it('reads the upstream the server reports on /api/health', async () => {
    expect(
      await fetchUpstreamKind('http://x', answer(200, { ok: true, upstream: 'emulator' })),
    ).toBe('emulator');
    expect(await fetchUpstreamKind('http://x', answer(200, { ok: true, upstream: 'openai' }))).toBe(
      'openai',
    );
  });

  it('is null when the server cannot tell (error, unknown value, unreachable)', async () => {
    expect(await fetchUpstreamKind('http://x', answer(500, {}))).toBeNull();
    expect(await fetchUpstreamKind('http://x', answer(200, { upstream: 'mystery' }))).toBeNull();
    expect(await fetchUpstreamKind('http://x', () => Promise.reject(new Error('down')))).toBeNull();
  });
});
