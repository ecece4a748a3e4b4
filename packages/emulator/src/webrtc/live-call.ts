import type { RTCDataChannel } from 'werift';
import { attachLiveDataChannel, type LiveDataChannelLink } from '../live/live-data-channel.js';
import type { LiveSession } from '../live/live-session.js';
import { CallPeer } from './call-peer.js';
import { FRAME_MS, FRAME_SAMPLES } from '../opus-codec.js';

/** Events held for the data channel until it opens; beyond it the oldest are dropped. */
const MAX_PENDING_EVENTS = 1000;
/** The data channel carries at most this much unsent data before the call ends (a peer that stopped reading). */
const MAX_CHANNEL_BUFFER_BYTES = 32 * 1024 * 1024;
/** How long the peer stays up after the session closed, for the channel to carry `session.closed`. */
const CLOSE_GRACE_MS = 250;
/** Frames held for the track; a stalled event loop drops the oldest rather than bursting seconds of audio. */
const MAX_QUEUED_FRAMES = 50;

/**
 * One GPT-Live session over WebRTC (`POST /v1/live/sessions` with a WebRTC transport): the
 * {@link CallPeer} that answered the browser's offer, bound to a media session. The microphone's
 * Opus is decoded into the session's input (so its clock runs on the media, as upstream, and its
 * turn detector hears the visitor); the model's output track is encoded onto the remote track in
 * 20 ms frames at the real rate (silence is left out, the RTP clock moving over it); the
 * `oai-events` data channel gets the session's JSON events through `client.data_channel`'s
 * permissions ({@link attachLiveDataChannel}). Never audio events on the channel.
 */
export class LiveCall {
  private readonly peer: CallPeer;
  private session: LiveSession | null = null;
  private channel: RTCDataChannel | null = null;
  private link: LiveDataChannelLink | null = null;
  private readonly pending: string[] = [];
  /** PCM16 frames to play, `null` for a silent frame (not sent). */
  private readonly frames: Array<Buffer | null> = [];
  private clock: NodeJS.Timeout | null = null;
  private clockStartedAt = 0;
  private framesPlayed = 0;
  private afterGap = true;
  private ended = false;

  constructor(
    iceAddresses: string[] | undefined,
    private readonly maxEventBytes: number,
  ) {
    this.peer = new CallPeer(iceAddresses?.length ? iceAddresses : ['127.0.0.1'], {
      channel: (channel) => this.attachChannel(channel),
      audio: (pcm) => this.session?.appendSamples(samplesOf(pcm)),
      lost: () => this.lost(),
    });
  }

  /** Answers the browser's offer (throws for one that cannot be answered). */
  answer(offer: string): Promise<string> {
    if (!/^m=audio /m.test(offer))
      return Promise.reject(new TypeError('The offer has no audio media section.'));
    if (!/^m=application .*webrtc-datachannel/m.test(offer))
      return Promise.reject(
        new TypeError('The offer has no data channel (create one before the offer).'),
      );
    return this.peer.answer(offer);
  }

  /** Binds the started media session: its output plays on the track, its events go on the channel. */
  bind(session: LiveSession): void {
    this.session = session;
    session.media = {
      audio: (samples) => this.play(samples),
      // `session.closed` was just queued on the channel: let it go out before the peer closes.
      close: () => setTimeout(() => this.end(), CLOSE_GRACE_MS).unref(),
    };
    if (this.channel) this.linkChannel(this.channel);
  }

  /** Ends the call (the session closed, or the answer was not used). */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.clock) clearInterval(this.clock);
    this.clock = null;
    this.frames.length = 0;
    this.link?.detach();
    this.peer.close();
  }

  private lost(): void {
    if (this.ended) return;
    if (this.session) this.session.close('connection_lost');
    else this.end();
  }

  private attachChannel(channel: RTCDataChannel): void {
    this.channel = channel;
    channel.stateChange.subscribe((state) => {
      if (state === 'open') this.flush();
      if (state === 'closed') this.lost();
    });
    if (this.session) this.linkChannel(channel);
  }

  private linkChannel(channel: RTCDataChannel): void {
    const session = this.session;
    if (this.link || !session || session.closed) return;
    this.link = attachLiveDataChannel(
      session,
      { send: (data) => this.deliver(data), close: () => undefined },
      this.maxEventBytes,
    );
    channel.onMessage.subscribe((data) =>
      this.link?.receive(typeof data === 'string' ? data : data.toString('utf8')),
    );
  }

  private deliver(data: string): void {
    const channel = this.channel;
    if (channel?.readyState === 'open') {
      if (channel.bufferedAmount > MAX_CHANNEL_BUFFER_BYTES) this.lost();
      else channel.send(data);
      return;
    }
    this.pending.push(data);
    if (this.pending.length > MAX_PENDING_EVENTS) this.pending.shift();
  }

  private flush(): void {
    const channel = this.channel;
    if (!channel) return;
    for (const data of this.pending.splice(0)) channel.send(data);
  }

  // ── output audio ────────────────────────────────────────────────────────────────────────

  /** One 100 ms output chunk: five frames queued for the track (silent ones as gaps). */
  private play(samples: Int16Array): void {
    if (this.ended || !this.peer.connected) return;
    for (let offset = 0; offset + FRAME_SAMPLES <= samples.length; offset += FRAME_SAMPLES) {
      const frame = samples.subarray(offset, offset + FRAME_SAMPLES);
      this.frames.push(
        frame.some((sample) => sample !== 0)
          ? Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength)
          : null,
      );
    }
    if (this.frames.length > MAX_QUEUED_FRAMES) {
      this.peer.skipFrames(this.frames.splice(0, this.frames.length - MAX_QUEUED_FRAMES).length);
      this.afterGap = true;
    }
    if (!this.clock) {
      this.clockStartedAt = performance.now();
      this.framesPlayed = 0;
      this.clock = setInterval(() => this.tick(), FRAME_MS / 2);
      this.tick();
    }
  }

  /** Plays every frame due by now; the clock stops when the queue runs dry. */
  private tick(): void {
    const due = Math.floor((performance.now() - this.clockStartedAt) / FRAME_MS) + 1;
    while (this.framesPlayed < due && this.frames.length > 0) {
      const frame = this.frames.shift()!;
      this.framesPlayed++;
      if (frame === null) {
        this.peer.skipFrames(1);
        this.afterGap = true;
        continue;
      }
      this.peer.sendFrame(frame, this.afterGap);
      this.afterGap = false;
    }
    if (this.frames.length === 0 && this.clock) {
      clearInterval(this.clock);
      this.clock = null;
    }
  }
}

/** Little-endian PCM16 bytes as samples (copied when not aligned). */
function samplesOf(pcm: Buffer): Int16Array {
  if (pcm.byteOffset % 2 === 0) return new Int16Array(pcm.buffer, pcm.byteOffset, pcm.length / 2);
  const copy = Buffer.from(pcm);
  return new Int16Array(copy.buffer, copy.byteOffset, copy.length / 2);
}
