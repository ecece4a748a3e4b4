/**
 * A Node-side browser for WebRTC tests (werift): makes an offer with a microphone track and the
 * `oai-events` data channel, posts it to Parley's `POST /api/calls`, applies the answer and
 * records what arrives on the data channel and the remote track.
 */
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
} from 'werift';
import type { RTCDataChannel } from 'werift';
import type { Received } from './relay-helpers.js';

/** A connected WebRTC test browser. */
export interface WebRtcBrowser {
  conversationId: string;
  /** The call's id and token, for `POST /api/calls/{callId}/hangup` and `/text`. */
  callId: string;
  resumeToken: string;
  /** The whole 201 body, as text (checked for the key). */
  responseText: string;
  /** Every data-channel message, as received. */
  raw: string[];
  events: Received[];
  /** RTP packets received on the remote audio track. */
  audioPackets(): number;
  /**
   * Streams a silent microphone (one 20 ms Opus packet every 20 ms) until the returned function is
   * called: GPT-Live's clock runs on the input media.
   */
  streamSilence(): () => void;
  send(event: Record<string, unknown>): void;
  waitFor(predicate: (event: Received) => boolean, timeoutMs?: number): Promise<Received>;
  close(): Promise<void>;
}

/** The offer a werift peer makes (audio sendrecv and a data channel), with its peer. */
export async function makeOffer(): Promise<{
  peer: RTCPeerConnection;
  channel: RTCDataChannel;
  microphone: MediaStreamTrack;
  sdp: string;
}> {
  const peer = new RTCPeerConnection({
    codecs: {
      audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 })],
      video: [],
    },
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
  });
  const channel = peer.createDataChannel('oai-events');
  const microphone = new MediaStreamTrack({ kind: 'audio' });
  peer.addTransceiver(microphone, { direction: 'sendrecv' });
  await peer.setLocalDescription(await peer.createOffer());
  while (peer.iceGatheringState !== 'complete')
    await new Promise((resolve) => setTimeout(resolve, 10));
  return { peer, channel, microphone, sdp: peer.localDescription!.sdp };
}

/** Posts `body` to `/api/calls` (or another calls route, `path`) as JSON. */
export function postCall(
  base: string,
  body: unknown,
  headers: Record<string, string> = {},
  path = '/api/calls',
): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** The browser hangs its call up: `POST /api/calls/{callId}/hangup` with the call's token. */
export function hangUpCall(base: string, browser: WebRtcBrowser): Promise<Response> {
  return fetch(`${base}/api/calls/${encodeURIComponent(browser.callId)}/hangup`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: browser.resumeToken }),
  });
}

class DtlsFailed extends Error {}

/** One 20 ms Opus frame of silence (CELT, full band, mono: the frame decoders read as zeros). */
const OPUS_SILENCE = Buffer.from([0xf8, 0xff, 0xfe]);

/**
 * Calls `agentId` through Parley and waits for the data channel to open. werift's DTLS client
 * can fail for good on a loaded machine (see the emulator's test peer): such a call is placed
 * again, at most twice.
 */
export async function callAgent(
  base: string,
  agentId: string,
  extra: Record<string, unknown> = {},
  via: CallRoute = { path: '/api/calls', headers: {} },
): Promise<WebRtcBrowser> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await placeCall(base, { ...extra, agentId }, via);
    } catch (error) {
      if (!(error instanceof DtlsFailed) || attempt === 3) throw error;
    }
  }
}

/** Where a call is placed: `/api/calls`, or the admin playground's route with its session. */
export interface CallRoute {
  path: string;
  headers: Record<string, string>;
}

async function placeCall(
  base: string,
  request: Record<string, unknown>,
  via: CallRoute,
): Promise<WebRtcBrowser> {
  const { peer, channel, microphone, sdp } = await makeOffer();
  let packets = 0;
  peer.onTrack.subscribe((track) => track.onReceiveRtp.subscribe(() => (packets += 1)));
  const raw: string[] = [];
  const events: Received[] = [];
  const waiters = new Set<{ predicate: (event: Received) => boolean; resolve: () => void }>();
  channel.onMessage.subscribe((data) => {
    const text = data.toString();
    raw.push(text);
    events.push(JSON.parse(text) as Received);
    for (const waiter of waiters) waiter.resolve();
  });
  const response = await postCall(base, { ...request, sdp }, via.headers, via.path);
  const responseText = await response.text();
  if (response.status !== 201)
    throw new Error(`calls answered ${response.status}: ${responseText}`);
  const body = JSON.parse(responseText) as {
    sdp: string;
    conversationId: string;
    callId: string;
    resumeToken: string;
  };
  await peer.setRemoteDescription({ type: 'answer', sdp: body.sdp });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('data channel did not open')), 15_000);
    if (channel.readyState === 'open') resolve();
    peer.connectionStateChange.subscribe((state) => {
      if (state !== 'failed') return;
      clearTimeout(timer);
      void peer.close();
      reject(new DtlsFailed('the test browser failed its DTLS handshake'));
    });
    channel.stateChange.subscribe((state) => {
      if (state !== 'open') return;
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    conversationId: body.conversationId,
    callId: body.callId,
    resumeToken: body.resumeToken,
    responseText,
    raw,
    events,
    audioPackets: () => packets,
    streamSilence() {
      let sequenceNumber = 1;
      let timestamp = 0;
      const timer = setInterval(() => {
        const header = new RtpHeader({ payloadType: 111, sequenceNumber, timestamp });
        sequenceNumber = (sequenceNumber + 1) & 0xffff;
        timestamp += 960;
        microphone.writeRtp(new RtpPacket(header, OPUS_SILENCE));
      }, 20);
      return () => clearInterval(timer);
    },
    send: (event) => channel.send(JSON.stringify(event)),
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const waiter = {
          predicate,
          resolve: () => {
            const found = events.find(predicate);
            if (!found) return;
            clearTimeout(timer);
            waiters.delete(waiter);
            resolve(found);
          },
        };
        const timer = setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`timed out; got ${events.map((event) => event.type).join(', ')}`));
        }, timeoutMs);
        waiters.add(waiter);
        waiter.resolve();
      });
    },
    close: () => peer.close(),
  };
}
