import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TransportCloseInfo, TransportHandlers, TransportOpenInfo } from '../ports.js';
import { FakeClock } from '../test-utils/fake-clock.js';
import {
  createWebRtcTransport,
  RELAY_REQUIRED_CLOSE,
  WEBRTC_FAILED_CLOSE,
  type AudioSink,
  type WebRtcTransportOptions,
} from './webrtc-transport.js';

/** A data channel the test opens, closes and reads. */
class FakeChannel {
  readyState: RTCDataChannelState = 'connecting';
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(readonly label: string) {}
  send(data: string): void {
    if (this.readyState !== 'open') throw new Error('not open');
    this.sent.push(data);
  }
  close(): void {
    this.readyState = 'closed';
  }
  open(): void {
    this.readyState = 'open';
    this.onopen?.();
  }
}

class FakeTrack {
  enabled = true;
  stopped = false;
  readonly kind = 'audio';
  stop(): void {
    this.stopped = true;
  }
}

class FakeStream {
  readonly tracks = [new FakeTrack()];
  getTracks(): FakeTrack[] {
    return this.tracks;
  }
  getAudioTracks(): FakeTrack[] {
    return this.tracks;
  }
}

/** A peer connection driven by the test: it records what the transport did to it. */
class FakePeer {
  static instances: FakePeer[] = [];
  readonly added: FakeTrack[] = [];
  channel: FakeChannel | null = null;
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  connectionState: RTCPeerConnectionState = 'new';
  iceGatheringState: RTCIceGatheringState = 'complete';
  closed = false;
  ontrack: ((event: { streams: unknown[]; track: unknown }) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  constructor(readonly configuration?: RTCConfiguration) {
    FakePeer.instances.push(this);
  }
  addTrack(track: FakeTrack): void {
    this.added.push(track);
  }
  createDataChannel(label: string): FakeChannel {
    this.channel = new FakeChannel(label);
    return this.channel;
  }
  createOffer(): Promise<{ type: 'offer'; sdp: string }> {
    return Promise.resolve({ type: 'offer', sdp: 'v=0 offer' });
  }
  setLocalDescription(description: { type: string; sdp: string }): Promise<void> {
    this.localDescription = description;
    return Promise.resolve();
  }
  setRemoteDescription(description: { type: string; sdp: string }): Promise<void> {
    this.remoteDescription = description;
    return Promise.resolve();
  }
  close(): void {
    this.closed = true;
  }
  fail(): void {
    this.connectionState = 'failed';
    this.onconnectionstatechange?.();
  }
}

function fakeSink(): AudioSink & { played: number } {
  return {
    srcObject: null,
    autoplay: false,
    played: 0,
    play() {
      this.played += 1;
      return Promise.resolve();
    },
    pause() {},
  };
}

interface Recorder extends TransportHandlers {
  opens: (TransportOpenInfo | undefined)[];
  messages: string[];
  closes: TransportCloseInfo[];
  errors: string[];
}

function recorder(): Recorder {
  const record: Recorder = {
    opens: [],
    messages: [],
    closes: [],
    errors: [],
    onOpen: (info) => record.opens.push(info),
    onMessage: (data) => record.messages.push(data),
    onClose: (info) => record.closes.push(info),
    onError: (error) => record.errors.push(error.message),
  };
  return record;
}

/** Lets the attempt's promise chain (getUserMedia, offer, fetch, answer) run to its end. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function setup(overrides: Partial<WebRtcTransportOptions> = {}, answer?: Response) {
  FakePeer.instances = [];
  const clock = new FakeClock();
  const requests: { url: string; init: RequestInit }[] = [];
  const microphones: FakeStream[] = [];
  const sink = fakeSink();
  const transport = createWebRtcTransport({
    RTCPeerConnection: FakePeer as unknown as WebRtcTransportOptions['RTCPeerConnection'],
    getUserMedia: () => {
      const stream = new FakeStream();
      microphones.push(stream);
      return Promise.resolve(stream as unknown as MediaStream);
    },
    fetch: (url, init) => {
      requests.push({ url: url as string, init: init ?? {} });
      return Promise.resolve(answer ?? new Response('v=0 answer', { status: 201 }));
    },
    createAudioSink: () => sink,
    clock,
    ...overrides,
  });
  const credentials = {
    url: 'ws://relay/unused',
    webrtc: { url: 'http://server/api/calls', headers: { 'x-parley-ticket': 't1' } },
  };
  return { transport, clock, requests, microphones, sink, credentials };
}

describe('createWebRtcTransport', () => {
  it('posts the offer to the credentials endpoint, applies the answer and opens with the channel', async () => {
    const { transport, requests, credentials } = setup();
    const events = recorder();
    transport.connect(credentials, events);
    await flush();
    const peer = FakePeer.instances[0]!;
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url).toBe('http://server/api/calls');
    expect(requests[0]!.init.body).toBe('v=0 offer');
    expect(requests[0]!.init.headers).toEqual({
      'content-type': 'application/sdp',
      'x-parley-ticket': 't1',
    });
    expect(peer.remoteDescription).toEqual({ type: 'answer', sdp: 'v=0 answer' });
    expect(peer.channel?.label).toBe('oai-events');
    expect(peer.added).toHaveLength(1);
    expect(events.opens).toEqual([]);
    peer.channel!.open();
    expect(events.opens).toEqual([{ transport: 'webrtc', media: true }]);
  });

  it("posts JSON with the endpoint's fields in the 'json' format and sends the open events", async () => {
    const answer = new Response(JSON.stringify({ mode: 'webrtc', sdp: 'v=0 json answer' }), {
      status: 201,
    });
    const { transport, requests } = setup({}, answer);
    const events = recorder();
    transport.connect(
      {
        url: '',
        webrtc: {
          url: '/api/calls',
          format: 'json',
          fields: { agentId: 'support' },
          openEvents: [{ type: 'input_audio_buffer.clear' }],
        },
      },
      events,
    );
    await flush();
    const peer = FakePeer.instances[0]!;
    expect(requests[0]!.init.headers).toEqual({ 'content-type': 'application/json' });
    expect(JSON.parse(requests[0]!.init.body as string)).toEqual({
      agentId: 'support',
      sdp: 'v=0 offer',
    });
    expect(peer.remoteDescription).toEqual({ type: 'answer', sdp: 'v=0 json answer' });
    peer.channel!.open();
    expect(peer.channel!.sent).toEqual(['{"type":"input_audio_buffer.clear"}']);
    expect(events.opens).toHaveLength(1);
  });

  it('carries control events on the channel, never audio events', async () => {
    const { transport, credentials } = setup();
    const events = recorder();
    transport.connect(credentials, events);
    await flush();
    const channel = FakePeer.instances[0]!.channel!;
    expect(transport.send('{"type":"response.create"}', 'control')).toBe(false);
    channel.open();
    expect(transport.send('{"type":"response.create"}', 'control')).toBe(true);
    expect(transport.send('{"type":"input_audio_buffer.append"}', 'audio')).toBe(false);
    expect(channel.sent).toEqual(['{"type":"response.create"}']);
    expect(transport.stats.sentFrames).toBe(1);
    channel.onmessage?.({ data: '{"type":"session.created"}' });
    expect(events.messages).toEqual(['{"type":"session.created"}']);
  });

  it('plays the remote track through the audio sink', async () => {
    const { transport, sink, credentials } = setup();
    transport.connect(credentials, recorder());
    await flush();
    const remote = { getAudioTracks: () => [] };
    FakePeer.instances[0]!.ontrack?.({ streams: [remote], track: {} });
    expect(sink.srcObject).toBe(remote);
    expect(sink.played).toBe(1);
  });

  it('mutes the microphone track without closing it, also before it exists', async () => {
    const { transport, microphones, credentials } = setup();
    transport.media!.setInputMuted(true);
    transport.connect(credentials, recorder());
    await flush();
    const track = microphones[0]!.tracks[0]!;
    expect(track.enabled).toBe(false);
    transport.media!.setInputMuted(false);
    expect(track.enabled).toBe(true);
    expect(track.stopped).toBe(false);
  });

  it('fails with webrtc_not_offered when the credentials carry no SDP endpoint', async () => {
    const { transport } = setup();
    const events = recorder();
    transport.connect({ url: 'ws://relay' }, events);
    await flush();
    expect(events.closes).toEqual([
      { code: WEBRTC_FAILED_CLOSE, reason: 'webrtc_not_offered', initiatedLocally: false },
    ]);
    expect(FakePeer.instances).toHaveLength(0);
  });

  it('closes with the relay-required code when the server refuses the offer for this agent', async () => {
    const refusal = new Response(JSON.stringify({ error: { code: 'relay_required' } }), {
      status: 409,
    });
    const { transport, microphones, credentials } = setup({}, refusal);
    const events = recorder();
    transport.connect(credentials, events);
    await flush();
    expect(events.closes).toEqual([
      { code: RELAY_REQUIRED_CLOSE, reason: 'relay_required', initiatedLocally: false },
    ]);
    expect(events.errors[0]).toContain('HTTP 409');
    expect(FakePeer.instances[0]!.closed).toBe(true);
    expect(microphones[0]!.tracks[0]!.stopped).toBe(true);
  });

  it('fails with ice_failed when ICE fails before the channel opens', async () => {
    const { transport, credentials } = setup();
    const events = recorder();
    transport.connect(credentials, events);
    await flush();
    FakePeer.instances[0]!.fail();
    expect(events.closes).toEqual([
      { code: WEBRTC_FAILED_CLOSE, reason: 'ice_failed', initiatedLocally: false },
    ]);
    expect(events.opens).toEqual([]);
  });

  it('fails with connect_timeout when the channel does not open in time', async () => {
    const { transport, clock, credentials } = setup({ connectTimeoutMs: 3000 });
    const events = recorder();
    transport.connect(credentials, events);
    await flush();
    clock.advance(2999);
    expect(events.closes).toEqual([]);
    clock.advance(1);
    expect(events.closes.map((close) => close.reason)).toEqual(['connect_timeout']);
    // A channel opening after the attempt ended is ignored.
    FakePeer.instances[0]!.channel!.open();
    expect(events.opens).toEqual([]);
  });

  it('reports a drop after opening as 1006, so the session reconnects with a fresh offer', async () => {
    const { transport, requests, credentials } = setup();
    const events = recorder();
    transport.connect(credentials, events);
    await flush();
    FakePeer.instances[0]!.channel!.open();
    FakePeer.instances[0]!.fail();
    expect(events.closes).toEqual([
      { code: 1006, reason: 'webrtc connection lost', initiatedLocally: false },
    ]);
    const next = recorder();
    transport.connect(credentials, next);
    await flush();
    expect(FakePeer.instances).toHaveLength(2);
    expect(requests).toHaveLength(2);
    FakePeer.instances[1]!.channel!.open();
    expect(next.opens).toHaveLength(1);
  });

  it('closes locally: releases the peer, the microphone and the sink, and says it asked', async () => {
    const { transport, microphones, sink, credentials } = setup();
    const events = recorder();
    transport.connect(credentials, events);
    await flush();
    const peer = FakePeer.instances[0]!;
    peer.channel!.open();
    peer.ontrack?.({ streams: [{ getAudioTracks: () => [] }], track: {} });
    transport.close(1000, 'client disconnect');
    await flush();
    expect(peer.closed).toBe(true);
    expect(microphones[0]!.tracks[0]!.stopped).toBe(true);
    expect(sink.srcObject).toBeNull();
    expect(events.closes).toEqual([
      { code: 1000, reason: 'client disconnect', initiatedLocally: true },
    ]);
    // A late state change of the closed peer reports nothing.
    peer.fail();
    expect(events.closes).toHaveLength(1);
  });

  it('ignores the callbacks of a replaced attempt', async () => {
    const { transport, credentials } = setup();
    const first = recorder();
    transport.connect(credentials, first);
    await flush();
    const second = recorder();
    transport.connect(credentials, second);
    await flush();
    FakePeer.instances[0]!.channel!.onopen?.();
    FakePeer.instances[0]!.fail();
    expect(first.opens).toEqual([]);
    expect(first.closes).toEqual([]);
    expect(FakePeer.instances[0]!.closed).toBe(true);
  });

  it('fails with microphone_unavailable when the microphone cannot open', async () => {
    const { transport, credentials } = setup({
      getUserMedia: () => Promise.reject(new Error('NotAllowedError')),
    });
    const events = recorder();
    transport.connect(credentials, events);
    await flush();
    expect(events.closes.map((close) => close.reason)).toEqual(['microphone_unavailable']);
    expect(FakePeer.instances).toHaveLength(0);
  });

  describe('hanging the call up at the server', () => {
    afterEach(() => vi.unstubAllGlobals());

    /** Credentials whose endpoint records the answer it was told and every hang-up. */
    function hangupCredentials() {
      const told: Record<string, unknown>[] = [];
      let hangups = 0;
      const credentials = {
        url: '',
        webrtc: {
          url: '/api/calls',
          format: 'json' as const,
          answered: (answer: Record<string, unknown>) => told.push(answer),
          hangup: () => {
            hangups += 1;
          },
        },
      };
      return { credentials, told, hangups: () => hangups };
    }
    const callAnswer = () =>
      new Response(JSON.stringify({ sdp: 'v=0 answer', callId: 'c1', resumeToken: 'tok' }), {
        status: 201,
      });

    it('tells the endpoint the answer, and hangs up once when the session closes or the call drops', async () => {
      for (const ending of ['close', 'drop'] as const) {
        const { transport } = setup({}, callAnswer());
        const { credentials, told, hangups } = hangupCredentials();
        transport.connect(credentials, recorder());
        await flush();
        expect(told).toEqual([{ sdp: 'v=0 answer', callId: 'c1', resumeToken: 'tok' }]);
        FakePeer.instances[0]!.channel!.open();
        expect(hangups()).toBe(0);
        if (ending === 'close') transport.close(1000, 'bye');
        else FakePeer.instances[0]!.fail();
        transport.close(1000, 'again');
        expect(hangups()).toBe(1);
      }
    });

    it('hangs up a call answered after the attempt timed out, and none that was never placed', async () => {
      const { transport, clock } = setup({
        fetch: () => new Promise((resolve) => setTimeout(() => resolve(callAnswer()), 20)),
      });
      const { credentials, hangups } = hangupCredentials();
      transport.connect(credentials, recorder());
      await flush();
      clock.advance(10_000);
      expect(hangups()).toBe(0);
      await new Promise((resolve) => setTimeout(resolve, 40));
      expect(hangups()).toBe(1);
      const refused = setup({}, new Response('{}', { status: 429 }));
      const second = hangupCredentials();
      refused.transport.connect(second.credentials, recorder());
      await flush();
      expect(second.hangups()).toBe(0);
    });

    it('hangs up and closes the peer on pagehide; a page kept for back/forward reports a drop', async () => {
      const page = new EventTarget();
      vi.stubGlobal('window', page);
      for (const persisted of [false, true]) {
        const { transport } = setup({}, callAnswer());
        const { credentials, hangups } = hangupCredentials();
        const events = recorder();
        transport.connect(credentials, events);
        await flush();
        FakePeer.instances[0]!.channel!.open();
        page.dispatchEvent(Object.assign(new Event('pagehide'), { persisted }));
        expect(hangups()).toBe(1);
        expect(FakePeer.instances[0]!.closed).toBe(true);
        expect(events.closes).toEqual(
          persisted ? [{ code: 1001, reason: 'page hidden', initiatedLocally: false }] : [],
        );
        transport.close();
      }
    });
  });
});
