// A session the binding builds without a transport: WebRTC where the browser has
// RTCPeerConnection, WebSocket otherwise. The default is core's; the binding only must not require
// a transport. The browser's networking is faked (core's installFakeBrowser).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parleyServerCredentials } from '@parley/core';
import { installFakeBrowser, server, settle } from '@parley/core/test-utils';
import type { FakeBrowser } from '@parley/core/test-utils';
import { createVoiceSession } from '../src/index.js';
import type { SvelteVoiceSession } from '../src/index.js';

let browser: FakeBrowser | null = null;
let voice: SvelteVoiceSession | null = null;
afterEach(() => {
  voice?.destroy();
  voice = null;
  browser?.restore();
  browser = null;
});

/** Builds and connects a session with no `transport`; resolves once the page made a request. */
async function connectWithoutTransport(webrtc: boolean): Promise<FakeBrowser> {
  const fake = installFakeBrowser({ webrtc });
  browser = fake;
  voice = createVoiceSession({
    credentials: parleyServerCredentials({ baseUrl: 'http://parley.test', agentId: 'a' }),
    autoConnect: true,
  });
  // The WebRTC transport is a lazily imported chunk: wait for the page's first request.
  await vi.waitFor(() => expect(fake.requests.length).toBeGreaterThan(0));
  await settle();
  return fake;
}

describe('a session without a transport, in Svelte', () => {
  it('talks over WebRTC where RTCPeerConnection exists', async () => {
    const fake = await connectWithoutTransport(true);
    expect(fake.requests).toEqual(['POST /api/calls']);
    fake.accept(server.sessionCreated());
    await settle();
    expect(voice!.status).toBe('connected');
    expect(voice!.snapshot).toMatchObject({ transport: 'webrtc', transportFallbackReason: null });
    expect(fake.sockets).toHaveLength(0);
  });

  it('talks over WebSocket (the relay) where it does not', async () => {
    const fake = await connectWithoutTransport(false);
    expect(fake.requests).toEqual(['POST /api/sessions']);
    fake.accept(server.sessionCreated());
    await settle();
    expect(voice!.status).toBe('connected');
    expect(voice!.snapshot).toMatchObject({
      transport: 'websocket',
      transportFallbackReason: 'webrtc_unsupported',
    });
    expect(fake.peers).toHaveLength(0);
  });
});
