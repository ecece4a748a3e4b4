import { randomBytes } from 'node:crypto';
import type { RTCDataChannel } from 'werift';
import { decodeToLinear } from '../audio-format.js';
import type { ConnectionOptions, Json } from '../connection-context.js';
import { RealtimeConnection } from '../connection.js';
import { onAppend } from '../input-audio-events.js';
import { onItemTruncate } from '../item-events.js';
import { CallPeer } from './call-peer.js';
import { OutputAudioBuffer } from './output-audio-buffer.js';

/** A sideband socket (or any other listener) attached to a call with `?call_id=`. */
export interface CallSideband {
  send(data: string): void;
  close(code: number, reason: string): void;
}

/** What a call needs besides the session's options. */
export interface RealtimeCallOptions {
  /** The connection's options without its socket (the call provides `send` and `close`). */
  connection: Omit<ConnectionOptions, 'send' | 'close' | 'dialect'>;
  /** Interfaces to gather ICE candidates on; default loopback only (`127.0.0.1`). */
  iceAddresses?: string[];
  /** The call ended (hangup, session cap, the peer left): the registry forgets it. */
  onEnded(call: RealtimeCall): void;
}

/** Events held for the data channel until it opens; beyond it the oldest are dropped. */
const MAX_PENDING_EVENTS = 1000;
/** The data channel carries at most this much unsent data before the call ends (a peer that stopped reading). */
const MAX_CHANNEL_BUFFER_BYTES = 32 * 1024 * 1024;

const AUDIO_DELTA = '{"type":"response.output_audio.delta"';
const SPEECH_STARTED = '{"type":"input_audio_buffer.speech_started"';
const RESPONSE_DONE = '{"type":"response.done"';

/** A WebRTC call id as the real API shows it: `rtc_` and 32 hex characters. */
export function createRtcCallId(): string {
  return `rtc_${randomBytes(16).toString('hex')}`;
}

/**
 * One Realtime session over WebRTC: a werift peer connection that answered the caller's offer, the
 * same {@link RealtimeConnection} the WebSocket endpoint runs, and the glue between them. The
 * microphone's Opus is decoded into the session's input buffer (so the VAD hears it); the reply's
 * audio goes through the server-owned {@link OutputAudioBuffer} to the remote track instead of
 * `response.output_audio.delta` events; every other event travels on the `oai-events` data channel
 * and to each sideband attached with `?call_id=`, and either may send client events.
 */
export class RealtimeCall {
  readonly id: string;
  readonly connection: RealtimeConnection;
  private readonly peer: CallPeer;
  private readonly output: OutputAudioBuffer;
  private readonly sidebands = new Set<CallSideband>();
  private readonly pending: string[] = [];
  private readonly onEnded: (call: RealtimeCall) => void;
  private channel: RTCDataChannel | null = null;
  private ended = false;

  private constructor(id: string, options: RealtimeCallOptions) {
    this.id = id;
    this.onEnded = (call) => options.onEnded(call);
    this.peer = new CallPeer(options.iceAddresses?.length ? options.iceAddresses : ['127.0.0.1'], {
      channel: (channel) => this.attachChannel(channel),
      audio: (pcm) => this.receiveAudio(pcm),
      lost: () => this.end(),
    });
    this.connection = new RealtimeConnection({
      ...options.connection,
      dialect: 'ga',
      send: (data) => this.route(data),
      close: () => this.end(),
    });
    this.output = new OutputAudioBuffer({
      emit: (event) => this.connection.emit(event),
      sendFrame: (pcm, marker) => this.peer.sendFrame(pcm, marker),
      skipFrames: (frames) => this.peer.skipFrames(frames),
      truncate: (itemId, audioEndMs) => {
        try {
          onItemTruncate(this.connection, {
            item_id: itemId,
            content_index: 0,
            audio_end_ms: audioEndMs,
          });
        } catch {
          // The item was deleted meanwhile: nothing left to cut.
        }
      },
      now: () => performance.now(),
      every: (ms, tick) => {
        const timer = setInterval(tick, ms);
        return () => clearInterval(timer);
      },
    });
  }

  /**
   * Answers an SDP offer: the call's answer SDP (with its candidates, no trickle) and the running
   * call. Throws when the offer cannot be answered (no audio, no data channel, not SDP).
   */
  static async answer(
    offer: string,
    options: RealtimeCallOptions,
  ): Promise<{ call: RealtimeCall; answer: string }> {
    if (!/^v=0/m.test(offer) || !/^m=audio /m.test(offer))
      throw new TypeError('The offer has no audio media section.');
    if (!/^m=application .*webrtc-datachannel/m.test(offer))
      throw new TypeError('The offer has no data channel (create one before the offer).');
    const call = new RealtimeCall(createRtcCallId(), options);
    let answer: string;
    try {
      answer = await call.peer.answer(offer);
    } catch (error) {
      call.end();
      throw error;
    }
    call.connection.start();
    setImmediate(() => options.connection.synthesizer.prepare?.());
    return { call, answer };
  }

  private attachChannel(channel: RTCDataChannel): void {
    this.channel = channel;
    channel.onMessage.subscribe((data) => this.receive(data));
    channel.stateChange.subscribe((state) => {
      if (state === 'open') this.flushPending();
      if (state === 'closed') this.end();
    });
    if (channel.readyState === 'open') this.flushPending();
  }

  /** Attaches a sideband: it receives every event from now on and may send client events. */
  attachSideband(sideband: CallSideband): { receive(data: string): void; detach(): void } {
    this.sidebands.add(sideband);
    return {
      receive: (data) => this.receive(data),
      detach: () => {
        this.sidebands.delete(sideband);
      },
    };
  }

  /** Whether the call ended. */
  get isEnded(): boolean {
    return this.ended;
  }

  /** Ends the call: the peer connection, the session, every sideband. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.output.dispose();
    this.connection.dispose();
    for (const sideband of this.sidebands) sideband.close(1000, 'call ended');
    this.sidebands.clear();
    this.peer.close();
    this.onEnded(this);
  }

  // ── Server events out ─────────────────────────────────────────────────────────────────────

  /** One server event from the session: audio to the output buffer, the rest to the listeners. */
  private route(data: string): void {
    if (data.startsWith(AUDIO_DELTA)) {
      this.bufferAudio(JSON.parse(data) as Json);
      return;
    }
    this.deliver(data);
    if (data.startsWith(SPEECH_STARTED)) {
      // After the session has cancelled the response this speech interrupts (same turn).
      if (this.connection.session.audio.input.turn_detection?.interrupt_response)
        queueMicrotask(() => {
          if (this.output.isPlaying) this.output.clear();
        });
    } else if (data.startsWith(RESPONSE_DONE)) {
      const response = (JSON.parse(data) as { response?: { id?: unknown } }).response;
      if (typeof response?.id === 'string') this.output.responseDone(response.id);
    }
  }

  private deliver(data: string): void {
    for (const sideband of this.sidebands) sideband.send(data);
    const channel = this.channel;
    if (channel?.readyState === 'open') {
      if (channel.bufferedAmount > MAX_CHANNEL_BUFFER_BYTES) this.end();
      else channel.send(data);
      return;
    }
    this.pending.push(data);
    if (this.pending.length > MAX_PENDING_EVENTS) this.pending.shift();
  }

  private flushPending(): void {
    const channel = this.channel;
    if (!channel) return;
    for (const data of this.pending.splice(0)) channel.send(data);
  }

  private bufferAudio(event: Json): void {
    const { response_id: responseId, item_id: itemId, delta } = event;
    if (typeof responseId !== 'string' || typeof itemId !== 'string' || typeof delta !== 'string')
      return;
    const bytes = Buffer.from(delta, 'base64');
    const format = this.connection.session.audio.output.format;
    if (format.type === 'audio/pcm') {
      this.output.push(responseId, itemId, bytes);
      return;
    }
    // G.711 (8 kHz) replies: each sample held three times to reach the call's 24 kHz.
    const linear = decodeToLinear(bytes, format);
    const pcm = Buffer.alloc(linear.length * 6);
    for (let i = 0; i < linear.length; i++)
      for (let k = 0; k < 3; k++) pcm.writeInt16LE(linear[i]!, (i * 3 + k) * 2);
    this.output.push(responseId, itemId, pcm);
  }

  // ── Client events and audio in ────────────────────────────────────────────────────────────

  /** A client event from the data channel or a sideband. */
  private receive(data: string | Buffer): void {
    if (this.ended) return;
    const text = typeof data === 'string' ? data : data.toString('utf8');
    if (text.includes('output_audio_buffer.clear')) {
      let type: unknown;
      try {
        type = (JSON.parse(text) as { type?: unknown }).type;
      } catch {
        type = undefined;
      }
      if (type === 'output_audio_buffer.clear') {
        this.output.clear();
        return;
      }
    }
    this.connection.handleFrame(text, false);
  }

  /** One microphone packet (decoded to 24 kHz PCM16), appended as the session's input. */
  private receiveAudio(pcm: Buffer): void {
    if (this.ended || this.connection.closed) return;
    if (this.connection.session.audio.input.format.type !== 'audio/pcm') return;
    try {
      onAppend(this.connection, { audio: pcm.toString('base64') });
    } catch {
      // A packet the buffer refuses is dropped, as a lost RTP packet would be.
    }
  }
}
