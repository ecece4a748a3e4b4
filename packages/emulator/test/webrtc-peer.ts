import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  type RTCDataChannel,
} from 'werift';
import { OpusCodec, FRAME_SAMPLES, RTP_TICKS_PER_FRAME } from '../src/opus-codec.js';
import { EventLog, type WireEvent } from './helpers.js';

/** A Node-side WebRTC caller (werift), as a browser would call `POST /v1/realtime/calls`. */
export interface TestCaller {
  readonly callId: string;
  readonly events: EventLog;
  readonly channel: RTCDataChannel;
  /** Decoded PCM16 (24 kHz) of the remote track, in arrival order. */
  readonly received: Buffer[];
  /** The remote track's RTP headers, in arrival order. */
  readonly packets: Array<{ sequenceNumber: number; timestamp: number; marker: boolean }>;
  send(event: Record<string, unknown>): void;
  /** Streams PCM16 (24 kHz) as the microphone, one 20 ms frame per 20 ms. */
  speak(pcm: Buffer): Promise<void>;
  close(): Promise<void>;
}

const opus = () =>
  new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48000, channels: 2 });

/**
 * Makes an offer, posts it, applies the answer and waits for the data channel to open. The caller
 * is werift's DTLS client, which fails for good when a retransmitted ClientHello draws a second
 * HelloVerifyRequest (a loaded test machine is enough): such a call is placed again, at most twice.
 */
export async function callEmulator(
  httpUrl: string,
  init: { key?: string; session?: Record<string, unknown> } = {},
): Promise<TestCaller> {
  return withRetries(() => placeCall(realtimeExchange(httpUrl, init)));
}

/**
 * A GPT-Live WebRTC session: `POST /v1/live/sessions` with `{session, transport: {type:
 * "webrtc", sdp}}` as JSON; `callId` is the session id (`live_u1_…`), for `/attach` and `/hangup`.
 */
export async function callLiveEmulator(
  httpUrl: string,
  session: Record<string, unknown>,
): Promise<TestCaller> {
  return withRetries(() =>
    placeCall(async (offer) => {
      const response = await fetch(`${httpUrl}/v1/live/sessions`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-key', 'content-type': 'application/json' },
        body: JSON.stringify({ session, transport: { type: 'webrtc', sdp: offer } }),
      });
      if (response.status !== 201)
        throw new Error(`live sessions answered ${response.status}: ${await response.text()}`);
      const body = (await response.json()) as {
        session: { id: string };
        transport: { sdp: string };
      };
      return {
        id: body.session.id,
        answer: body.transport.sdp,
        hangup: () => `${httpUrl}/v1/live/sessions/${body.session.id}/hangup`,
      };
    }),
  );
}

/** A fresh werift offer (audio and the `oai-events` channel, loopback candidates), not used for a call. */
export async function makeOffer(): Promise<string> {
  const peer = new RTCPeerConnection({
    codecs: { audio: [opus()], video: [] },
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
  });
  peer.createDataChannel('oai-events');
  peer.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), { direction: 'sendrecv' });
  await peer.setLocalDescription(await peer.createOffer());
  const sdp = peer.localDescription!.sdp;
  await peer.close();
  return sdp;
}

async function withRetries(place: () => Promise<TestCaller>): Promise<TestCaller> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await place();
    } catch (error) {
      if (!(error instanceof DtlsFailed) || attempt === 3) throw error;
    }
  }
}

class DtlsFailed extends Error {}

/** Posts an offer; the call's id, its answer and its hangup URL. */
type Exchange = (offer: string) => Promise<{ id: string; answer: string; hangup: () => string }>;

function realtimeExchange(
  httpUrl: string,
  init: { key?: string; session?: Record<string, unknown> },
): Exchange {
  return async (offer) => {
    const headers: Record<string, string> = { authorization: `Bearer ${init.key ?? 'test-key'}` };
    let body: string | FormData = offer;
    if (init.session) {
      const form = new FormData();
      form.set('sdp', body);
      form.set('session', JSON.stringify(init.session));
      body = form;
    } else headers['content-type'] = 'application/sdp';
    const response = await fetch(`${httpUrl}/v1/realtime/calls`, {
      method: 'POST',
      headers,
      body,
    });
    if (response.status !== 201)
      throw new Error(`calls answered ${response.status}: ${await response.text()}`);
    const id = response.headers.get('location')!.split('/').pop()!;
    return {
      id,
      answer: await response.text(),
      hangup: () => `${httpUrl}/v1/realtime/calls/${id}/hangup`,
    };
  };
}

async function placeCall(exchange: Exchange): Promise<TestCaller> {
  const peer = new RTCPeerConnection({
    codecs: { audio: [opus()], video: [] },
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
  });
  const channel = peer.createDataChannel('oai-events');
  const mic = new MediaStreamTrack({ kind: 'audio' });
  const transceiver = peer.addTransceiver(mic, { direction: 'sendrecv' });
  const codec = new OpusCodec();
  const received: Buffer[] = [];
  const packets: TestCaller['packets'] = [];
  transceiver.onTrack.subscribe((track) =>
    track.onReceiveRtp.subscribe((rtp) => {
      const { sequenceNumber, timestamp, marker } = rtp.header;
      packets.push({ sequenceNumber, timestamp, marker });
      const pcm = codec.decode(rtp.payload);
      if (pcm) received.push(pcm);
    }),
  );
  const events = new EventLog();
  channel.onMessage.subscribe((data) => events.push(JSON.parse(data.toString()) as WireEvent));
  await peer.setLocalDescription(await peer.createOffer());
  while (peer.iceGatheringState !== 'complete')
    await new Promise((resolve) => setTimeout(resolve, 10));
  const placed = await exchange(peer.localDescription!.sdp);
  const callId = placed.id;
  await peer.setRemoteDescription({ type: 'answer', sdp: placed.answer });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('data channel did not open')), 15_000);
    if (channel.readyState === 'open') resolve();
    peer.connectionStateChange.subscribe((state) => {
      if (state !== 'failed') return;
      clearTimeout(timer);
      void fetch(placed.hangup(), {
        method: 'POST',
        headers: { authorization: 'Bearer test-key' },
      });
      void peer.close();
      reject(new DtlsFailed('the caller failed its DTLS handshake'));
    });
    channel.stateChange.subscribe((state) => {
      if (state === 'open') {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  let sequenceNumber = 1;
  let timestamp = 0;
  return {
    callId,
    events,
    channel,
    received,
    packets,
    send: (event) => channel.send(JSON.stringify(event)),
    async speak(pcm) {
      const frameBytes = FRAME_SAMPLES * 2;
      const started = performance.now();
      for (let offset = 0, frame = 0; offset < pcm.length; offset += frameBytes, frame++) {
        const chunk = Buffer.alloc(frameBytes);
        pcm.copy(chunk, 0, offset, Math.min(pcm.length, offset + frameBytes));
        mic.writeRtp(
          new RtpPacket(
            new RtpHeader({ payloadType: 111, sequenceNumber: sequenceNumber++, timestamp }),
            codec.encode(chunk),
          ),
        );
        timestamp += RTP_TICKS_PER_FRAME;
        const due = started + (frame + 1) * 20 - performance.now();
        if (due > 0) await new Promise((resolve) => setTimeout(resolve, due));
      }
    },
    async close() {
      await peer.close();
      codec.dispose();
    },
  };
}

/** Root-mean-square level of PCM16 chunks (0..1). */
export function rmsOf(chunks: Buffer[]): number {
  let sum = 0;
  let count = 0;
  for (const chunk of chunks)
    for (let i = 0; i + 1 < chunk.length; i += 2) {
      const sample = chunk.readInt16LE(i) / 32768;
      sum += sample * sample;
      count++;
    }
  return count ? Math.sqrt(sum / count) : 0;
}
