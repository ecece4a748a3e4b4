import { readFileSync } from 'node:fs';
import { startEmulator, type EmulatorHandle } from '@parley/emulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createUpstream, type Upstream } from '../upstream.js';
import {
  callsUrl,
  createUpstreamCall,
  hangupUpstreamCall,
  sidebandUrl,
  UpstreamCallError,
} from './upstream-calls.js';

const offer = readFileSync(new URL('./__fixtures__/offer.sdp', import.meta.url), 'utf8');
const key = 'parley-upstream-test-key';
let emulator: EmulatorHandle;
let upstream: Upstream;

beforeAll(async () => {
  emulator = await startEmulator({ requireKey: key, speechEngine: 'generated' });
  upstream = await createUpstream({ kind: 'emulator', url: emulator.url, apiKey: key });
});
afterAll(async () => {
  await emulator.close();
});

/** Opens the sideband with the server's headers and collects what it receives. */
async function openSideband(callId: string) {
  const socket = new WebSocket(sidebandUrl(upstream, callId), { headers: upstream.headers() });
  const events: Array<{ type: string; session?: { instructions?: unknown } }> = [];
  socket.on('message', (data: Buffer) =>
    events.push(JSON.parse(data.toString('utf8')) as (typeof events)[number]),
  );
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  const waitFor = async (type: string) => {
    for (let waited = 0; waited < 10_000; waited += 20) {
      const event = events.find((candidate) => candidate.type === type);
      if (event) return event;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`no ${type}; saw ${events.map((event) => event.type).join(', ')}`);
  };
  return { socket, events, waitFor };
}

describe('WebRTC calls placed upstream', () => {
  it('derives the calls, hangup and sideband URLs from the upstream endpoint', () => {
    expect(callsUrl(upstream)).toBe(`${emulator.httpUrl}/v1/realtime/calls`);
    expect(callsUrl(upstream, 'rtc_1', 'hangup')).toBe(
      `${emulator.httpUrl}/v1/realtime/calls/rtc_1/hangup`,
    );
    expect(sidebandUrl(upstream, 'rtc_1')).toBe(`${emulator.url}?call_id=rtc_1`);
  });

  it('places the call with the published session and hands back an answer that holds no key', async () => {
    const call = await createUpstreamCall(upstream, offer, {
      type: 'realtime',
      instructions: 'Published instructions.',
    });
    expect(call.callId).toMatch(/^rtc_/);
    expect(call.answer).toMatch(/^v=0/);
    expect(call.answer).not.toContain(key);
    const sideband = await openSideband(call.callId);
    sideband.socket.send(JSON.stringify({ type: 'session.update', session: { type: 'realtime' } }));
    const updated = await sideband.waitFor('session.updated');
    expect(updated.session?.instructions).toBe('Published instructions.');
    const closed = new Promise<number>((resolve) => sideband.socket.once('close', resolve));
    await hangupUpstreamCall(upstream, call.callId);
    expect(await closed).toBe(1000);
    // A call already gone is not an error.
    await hangupUpstreamCall(upstream, call.callId);
  });

  it("reports the upstream's refusal with its status and error, and refuses a body that is not SDP", async () => {
    const wrongKey = await createUpstream({ kind: 'emulator', url: emulator.url, apiKey: 'nope' });
    const refused = await createUpstreamCall(wrongKey, offer, { type: 'realtime' }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(UpstreamCallError);
    expect((refused as UpstreamCallError).status).toBe(401);
    await expect(
      createUpstreamCall(upstream, '{"not":"sdp"}', { type: 'realtime' }),
    ).rejects.toThrow(TypeError);
  });
});
