import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator } from '@parley/emulator';
import { memorySharedState } from '../src/coordination/shared-state.js';
import { silentLogger } from '../src/logger.js';
import { ResumeTokens } from '../src/sessions/resume.js';
import { createStore } from '../src/storage/store.js';
import type { Store } from '../src/storage/store.js';
import { testBackends } from '../src/test-utils/databases.js';
import { createOutboxMailer } from '../src/tools/mailer.js';
import { createUrlGuard } from '../src/tools/url-guard.js';
import { createUpstream } from '../src/upstream.js';
import { callsUrl, UpstreamCallError } from '../src/webrtc/upstream-calls.js';
import { WebRtcCalls } from '../src/webrtc/webrtc-calls.js';
import { publishTestAgent } from './relay-helpers.js';

const apiKey = 'fake-key-sideband-failure-test';
const offer = readFileSync(
  new URL('../src/webrtc/__fixtures__/offer.sdp', import.meta.url),
  'utf8',
);
const [backend] = testBackends();
let emulator: Awaited<ReturnType<typeof startEmulator>>;
let store: Store;

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, host: '127.0.0.1', requireKey: apiKey });
  store = createStore(await backend!.open());
  await publishTestAgent(store, 'tester', { instructions: 'Watched' });
});
afterAll(async () => {
  await emulator.close();
  await store.close();
  await backend!.cleanup();
});

describe('a WebRTC call whose sideband cannot attach', () => {
  it('is hung up, not handed to the browser, and its conversation ends as sideband_unavailable', async () => {
    const upstream = await createUpstream({ kind: 'emulator', url: emulator.url, apiKey });
    // The call is placed, then ended upstream before the server's sideband can attach to it.
    const endingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const callId = response.headers.get('location')?.split('/').pop();
      if (callId)
        await fetch(callsUrl(upstream, callId, 'hangup'), {
          method: 'POST',
          headers: upstream.headers(),
        });
      return response;
    };
    const urlGuard = createUrlGuard([]);
    const calls = new WebRtcCalls({
      store,
      mailer: createOutboxMailer(() => Promise.resolve()),
      upstream,
      urlGuard,
      log: silentLogger,
      now: () => new Date(),
      limits: { maxSessionMs: 60_000, idleTimeoutMs: 60_000 },
      resumeTokens: new ResumeTokens(),
      shared: memorySharedState(),
      fetch: endingFetch,
    });
    const agent = (await store.agents.published('tester'))!;
    let released = 0;
    const refused = await calls
      .place(agent, offer, { id: 'client-1', release: () => (released += 1) })
      .catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(UpstreamCallError);
    expect((refused as UpstreamCallError).status).toBe(503);
    expect(released).toBe(1);
    expect(calls.size).toBe(0);
    await calls.close();
    const [conversation] = await store.conversations.list({ limit: 1 });
    expect(conversation).toMatchObject({
      mode: 'webrtc',
      status: 'failed',
      endReason: 'sideband_unavailable',
    });
    expect(emulator.calls).toBe(0);
    await upstream.close();
    await urlGuard.close();
  });
});
