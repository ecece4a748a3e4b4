import { describe, expect, it } from 'vitest';
import { fetchUpstreamKind } from './upstream.js';

const answer =
  (status: number, body: unknown): typeof fetch =>
  () =>
    Promise.resolve(new Response(JSON.stringify(body), { status }));

describe('fetchUpstreamKind', () => {
  it('reads the upstream the server reports on /api/health', async () => {
    expect(await fetchUpstreamKind(answer(200, { ok: true, upstream: 'emulator' }))).toBe(
      'emulator',
    );
  });

  it('is null when the server cannot tell', async () => {
    expect(await fetchUpstreamKind(answer(503, {}))).toBeNull();
    expect(await fetchUpstreamKind(answer(200, { upstream: 42 }))).toBeNull();
    expect(await fetchUpstreamKind(() => Promise.reject(new Error('down')))).toBeNull();
  });
});
