import { randomBytes } from 'node:crypto';
import {
  MediaStreamTrack,
  RTCPeerConnection,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
  type RTCDataChannel,
} from 'werift';
import { OpusCodec } from '../opus-codec.js';
import { RtpClock } from './rtp-clock.js';

/** What a call's peer reports to the call that owns it. */
export interface CallPeerHandlers {
  /** The caller's `oai-events` channel (the first one it opened). */
  channel(channel: RTCDataChannel): void;
  /** One microphone packet, decoded to PCM16 at 24 kHz. */
  audio(pcm: Buffer): void;
  /** ICE or DTLS failed, the peer left, or it never connected in time: the call ends. */
  lost(): void;
}

/** How long a call may wait for the peer's ICE and DTLS before it is dropped. */
const CONNECT_TIMEOUT_MS = 30_000;
/**
 * How long a connected peer may stay silent before the call counts it gone (a crashed tab, a
 * killed browser, a network that went away): no ICE check (browsers send one every 2.5-5 s, the
 * RFC 7675 consent checks), no RTP (a browser sends a 20 ms frame, silence included, while its
 * track exists) and no data-channel message. RFC 7675 lets consent run 30 s; the emulator ends
 * the call sooner, so a tab that died without saying so frees its caller's slot within about
 * this long plus one {@link SILENCE_CHECK_MS}, and a loaded machine's pauses still stay well
 * inside it.
 */
export const PEER_SILENCE_MS = 10_000;
/** How often the silence is checked. */
const SILENCE_CHECK_MS = 1000;
/**
 * The longest the answer waits for ICE gathering after the local description is set. Only host
 * candidates on the call's own addresses are gathered (see `stopReflexiveGathering`), which takes
 * milliseconds; the bound keeps a stalled gatherer from holding the answer for seconds.
 */
const GATHERING_WAIT_MS = 1000;

/** The Opus codec of every emulated call: what browsers offer first, 48 kHz clock, FEC. */
function opusCodec(): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: 'audio/opus',
    clockRate: 48000,
    channels: 2,
    parameters: 'minptime=10;useinbandfec=1',
  });
}

/**
 * The WebRTC side of an emulated call (Realtime's `/v1/realtime/calls` and GPT-Live's WebRTC
 * sessions share it): a werift peer that answers the caller's offer on loopback, decodes the
 * microphone's Opus, encodes 20 ms frames of the reply onto its own track, and hands the caller's
 * data channel to the call.
 */
export class CallPeer {
  private readonly peer: RTCPeerConnection;
  private readonly codec = new OpusCodec();
  private readonly track = new MediaStreamTrack({ kind: 'audio' });
  private channel: RTCDataChannel | null = null;
  private readonly clock = new RtpClock(() => performance.now(), {
    sequenceNumber: randomBytes(2).readUInt16BE(),
    timestamp: randomBytes(4).readUInt32BE(),
  });
  private connectTimer: NodeJS.Timeout | null;
  private silenceTimer: NodeJS.Timeout | null = null;
  /** When the peer was last heard from (an ICE check, an RTP packet, a channel message). */
  private lastHeard = Date.now();
  private closed = false;

  constructor(
    private readonly iceAddresses: string[],
    private readonly handlers: CallPeerHandlers,
  ) {
    this.peer = new RTCPeerConnection({
      codecs: { audio: [opusCodec()], video: [] },
      // Bound to the first address; every listed one is advertised (werift leaves loopback out
      // of its own gathering, and its other host candidates would not reach a bound socket).
      iceInterfaceAddresses: { udp4: iceAddresses[0] },
      iceAdditionalHostAddresses: iceAddresses,
      iceUseIpv6: false,
      // Called for every ICE binding request the peer sends (its consent checks): it is alive.
      iceFilterStunResponse: () => {
        this.heard();
        return true;
      },
    });
    this.connectTimer = setTimeout(() => {
      if (this.peer.connectionState !== 'connected') this.handlers.lost();
    }, CONNECT_TIMEOUT_MS);
    this.connectTimer.unref?.();
  }

  /** Whether the peer's connection is up (ICE and DTLS done). */
  get connected(): boolean {
    return this.peer.connectionState === 'connected';
  }

  /**
   * Answers `offer`: resolves with the answer SDP (every candidate in it, no trickle), carrying
   * only candidates on the call's addresses. The call is the DTLS server (`a=setup:passive`).
   */
  async answer(offer: string): Promise<string> {
    const peer = this.peer;
    peer.onDataChannel.subscribe((channel) => {
      if (this.channel) return;
      this.channel = channel;
      channel.onMessage.subscribe(() => this.heard());
      this.handlers.channel(channel);
    });
    peer.onTrack.subscribe((track) => {
      if (track.kind !== 'audio') return;
      track.onReceiveRtp.subscribe((rtp) => {
        if (this.closed) return;
        this.heard();
        const pcm = this.codec.decode(rtp.payload);
        if (pcm) this.handlers.audio(pcm);
      });
    });
    peer.connectionStateChange.subscribe((state) => {
      if (state === 'connected' && this.connectTimer) {
        clearTimeout(this.connectTimer);
        this.connectTimer = null;
      }
      if (state === 'connected') this.watchSilence();
      if (state === 'failed' || state === 'closed') this.handlers.lost();
    });
    await peer.setRemoteDescription({ type: 'offer', sdp: offer });
    // The peer's DTLS close alert (its connection closed) ends the call at once.
    for (const dtls of peer.dtlsTransports) {
      dtls.onStateChange.subscribe((state) => {
        if (state === 'closed' || state === 'failed') this.handlers.lost();
      });
    }
    const transceiver = peer.getTransceivers().find((t) => t.kind === 'audio');
    if (!transceiver) throw new TypeError('The offer has no audio media section.');
    transceiver.setDirection('sendrecv');
    await transceiver.sender.replaceTrack(this.track);
    // werift's DTLS client fails for good when a retransmitted ClientHello draws a second
    // HelloVerifyRequest (a loaded event loop is enough); its server and every browser's client
    // handle retransmissions.
    for (const dtls of peer.dtlsTransports) dtls.role = 'server';
    this.stopReflexiveGathering();
    await peer.setLocalDescription(await peer.createAnswer());
    await this.gathered();
    return this.answerSdp();
  }

  private heard(): void {
    this.lastHeard = Date.now();
  }

  /**
   * Ends the call once the connected peer has been silent for {@link PEER_SILENCE_MS}. The last
   * look is taken after the event loop's I/O (`setImmediate`), so packets that queued while the
   * process was busy count before the peer is judged gone.
   */
  private watchSilence(): void {
    if (this.silenceTimer || this.closed) return;
    this.lastHeard = Date.now();
    const silent = () => Date.now() - this.lastHeard > PEER_SILENCE_MS;
    this.silenceTimer = setInterval(() => {
      if (!silent()) return;
      setImmediate(() => {
        if (silent() && !this.closed) this.handlers.lost();
      });
    }, SILENCE_CHECK_MS);
    this.silenceTimer.unref?.();
  }

  /**
   * werift asks a public STUN server for a server-reflexive candidate unless told another, and
   * `setLocalDescription` waits for that query (up to its 5 s timeout, or a slow DNS lookup of the
   * server's name): the occasional 5.0 s SDP answer. The emulator answers on its own addresses
   * only (loopback by default), so nothing is asked; the host candidates are all the answer has.
   */
  private stopReflexiveGathering(): void {
    for (const transport of this.peer.iceTransports) {
      const connection = (transport as unknown as { connection?: { stunServer?: unknown } })
        .connection;
      if (connection) connection.stunServer = undefined;
    }
  }

  private gathered(): Promise<void> {
    if (this.peer.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, GATHERING_WAIT_MS);
      const { unSubscribe } = this.peer.iceGatheringStateChange.subscribe((state) => {
        if (state === 'complete') done();
      });
      function done(): void {
        clearTimeout(timer);
        unSubscribe();
        resolve();
      }
    });
  }

  /** The local description with only the candidates on the call's addresses. */
  private answerSdp(): string {
    const sdp = this.peer.localDescription?.sdp ?? '';
    return sdp
      .split('\r\n')
      .filter((line) => {
        if (!line.startsWith('a=candidate:')) return true;
        const address = line.split(' ')[4];
        return address !== undefined && this.iceAddresses.includes(address);
      })
      .join('\r\n');
  }

  /**
   * Encodes and sends one 20 ms frame of PCM16 (24 kHz); `marker` on the first after a gap (its
   * timestamp then moves on by the time the gap lasted, see {@link RtpClock}).
   */
  sendFrame(pcm: Buffer, marker: boolean): void {
    if (this.closed) return;
    const header = new RtpHeader({ payloadType: 111, ...this.clock.next(marker), marker });
    this.track.writeRtp(new RtpPacket(header, this.codec.encode(pcm)));
  }

  /**
   * Moves the RTP clock over frames not sent (silence left out, frames dropped), so the caller's
   * jitter buffer keeps time. A gap before a `marker` frame is measured by the clock itself.
   */
  skipFrames(frames: number): void {
    this.clock.skip(frames);
  }

  /** Closes the peer and frees the codec. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.connectTimer) clearTimeout(this.connectTimer);
    if (this.silenceTimer) clearInterval(this.silenceTimer);
    this.track.stop();
    this.peer.close().catch(() => undefined);
    this.codec.dispose();
  }
}
