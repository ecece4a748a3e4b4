// A session built without a transport, through the provider and hooks: WebRTC where the browser
// has RTCPeerConnection, WebSocket otherwise. The default is core's; the binding only must not
// require a transport. The browser's networking is faked (core's installFakeBrowser).
import { cleanup, render, screen } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { installFakeBrowser, server, settle } from '@parley/core/test-utils';
import type { FakeBrowser } from '@parley/core/test-utils';
import { createVoiceSession, parleyServerCredentials } from '@parley/core';
import { VoiceSessionProvider, useVoiceSession } from '../src/index.js';
import { actFrameAsync } from '../src/test-utils/frames.js';

let browser: FakeBrowser | null = null;
afterEach(() => {
  cleanup();
  browser?.restore();
  browser = null;
});

function Transport(): ReactNode {
  const { status, transport, transportFallbackReason } = useVoiceSession();
  return (
    <p>
      {status} over {transport ?? 'nothing'} ({transportFallbackReason ?? 'as asked'})
    </p>
  );
}

/** The provider builds a session with no `transport` and connects it; the fake browser answers. */
async function connectWithoutTransport(webrtc: boolean): Promise<FakeBrowser> {
  const fake = installFakeBrowser({ webrtc });
  browser = fake;
  render(
    <VoiceSessionProvider
      autoConnect
      create={() =>
        createVoiceSession({
          credentials: parleyServerCredentials({ baseUrl: 'http://parley.test', agentId: 'a' }),
        })
      }
    >
      <Transport />
    </VoiceSessionProvider>,
  );
  // The WebRTC transport is a lazily imported chunk: wait for the page's first request.
  await vi.waitFor(() => expect(fake.requests.length).toBeGreaterThan(0));
  await actFrameAsync(settle);
  return fake;
}

describe('a session without a transport, in React', () => {
  it('talks over WebRTC where RTCPeerConnection exists', async () => {
    const fake = await connectWithoutTransport(true);
    expect(fake.requests).toEqual(['POST /api/calls']);
    await actFrameAsync(async () => {
      fake.accept(server.sessionCreated());
      await settle();
    });
    expect(screen.getByText('connected over webrtc (as asked)')).toBeTruthy();
    expect(fake.sockets).toHaveLength(0);
  });

  it('talks over WebSocket (the relay) where it does not', async () => {
    const fake = await connectWithoutTransport(false);
    expect(fake.requests).toEqual(['POST /api/sessions']);
    await actFrameAsync(async () => {
      fake.accept(server.sessionCreated());
      await settle();
    });
    expect(screen.getByText('connected over websocket (webrtc_unsupported)')).toBeTruthy();
    expect(fake.peers).toHaveLength(0);
  });
});
