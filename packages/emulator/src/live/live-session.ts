import {
  checkAudioFormat,
  decodeStrictBase64,
  decodeToLinear,
  encodeOutput as encodeG711,
} from '../audio-format.js';
import type { StoredItem } from '../conversation.js';
import type { ScriptedReply } from '../responder.js';
import type { AudioFormat } from '../session-config.js';
import { LIVE_LIMITS } from '@parley/core';
import { resampleLinear, type SpeechSynthesizer } from '../speech.js';
import { applyLiveUpdate, type LiveAudioFormat, type LiveSessionResource } from './live-config.js';
import { LiveProtocolError } from './live-errors.js';
import { createLiveEventId } from './live-ids.js';
import { LiveModel } from './live-model.js';
import { OutputTrack } from './live-output.js';
import { RecordingTrack } from './live-recording.js';
import { LiveTurnDetector } from './live-turns.js';

type Json = Record<string, unknown>;

/**
 * A socket attached to a session: the primary (the session's own transport), a sideband, or the
 * WebRTC `oai-events` data channel of a media session (filtered by `client.data_channel`).
 */
export interface LivePort {
  readonly role: 'primary' | 'sideband' | 'data_channel';
  /** Whether this port receives a broadcast server event (a data channel's `allowed_server_events`); all when absent. */
  accepts?(event: Json): boolean;
  /** Sends one text frame. */
  send(data: string): void;
  /**
   * Ends the socket after the session closed: an empty close frame (the client sees 1005, as
   * observed), or a 1000 close on a sideband attached with `graceful_close=true`.
   */
  close(): void;
  /** Drops the socket now with a code (fault injection); the session sees it as a lost socket. */
  abort?(code: number, reason: string): void;
}

/** Where a WebRTC media session's output goes instead of `session.output_audio.delta` events. */
export interface LiveMediaSink {
  /** 100 ms of 24 kHz PCM16 output (zeros when the model is quiet), in timeline order. */
  audio(samples: Int16Array): void;
  /** The session closed: the media ends. */
  close(): void;
}

/** Why a session closed (`session.closed.reason`). */
export type LiveCloseReason =
  'close_requested' | 'expired' | 'content' | 'remote_hangup' | 'connection_lost';

/** Options of one emulated Live session. */
export interface LiveSessionOptions {
  resource: LiveSessionResource;
  synthesizer: SpeechSynthesizer;
  /** Timeline ms between `session.usage.updated` events (15 s observed upstream). */
  usageIntervalMs: number;
  /** Reflect output audio (with `start_ms`/`end_ms`) to sidebands (reference §5.8: the newer unions say yes). */
  sidebandOutputAudio: boolean;
  /** Wall-clock delay between the emulated backend's nested events. */
  backendDelayMs: number;
  /** Called once when the session has closed. */
  onClosed(session: LiveSession): void;
}

/** Injection estimate: an append is acknowledged once the timeline is this far past its arrival (0.6–1.0 s measured). */
const INJECTION_MS = 800;
const REPLAY_MS = 3000;
const MAX_REPLAY_EVENTS = 200;

interface PendingAppend {
  kind: 'instructions' | 'thinking' | 'commentary';
  content: string;
  delegationId: string | null;
  clientEventId: string | undefined;
  startMs: number;
  endMs: number;
  port: LivePort;
}

/**
 * One GPT-Live session. Its clock is the timeline the input audio drives (reference §2: it
 * freezes when input stops, and acknowledgements wait for it); output is a continuous track in
 * 100 ms deltas; the model owns turn-taking ({@link LiveModel}). Every attached socket gets the
 * JSON events; the primary also gets output audio without timing, sidebands get reflected input
 * and (switchable) timed output audio.
 */
export class LiveSession {
  resource: LiveSessionResource;
  readonly ports = new Set<LivePort>();
  readonly items: StoredItem[] = [];
  readonly transcripts: string[] = [];
  readonly scripted: ScriptedReply[] = [];
  readonly clientDelegations = new Set<string>();
  readonly input = new RecordingTrack();
  readonly output = new RecordingTrack();
  readonly track: OutputTrack;
  readonly model: LiveModel;
  closed: LiveCloseReason | null = null;
  timelineMs = 0;
  muted = false;
  stalled = false;
  /** A WebRTC session's media track (its output audio goes there); null on WebSocket. */
  media: LiveMediaSink | null = null;
  private startedEvent: string | null = null;
  private readonly replay: Array<{ at: number; data: string }> = [];
  private readonly turns: LiveTurnDetector;
  private readonly appends: PendingAppend[] = [];
  private nextUsageMs: number;
  private readonly expiry: NodeJS.Timeout;
  private inputRemainder = 0;

  constructor(readonly options: LiveSessionOptions) {
    this.resource = options.resource;
    this.nextUsageMs = options.usageIntervalMs;
    const format = this.format;
    this.turns = new LiveTurnDetector(format.rate, {
      speechStarted: () => this.model.onSpeechStarted(),
      turnEnded: (turn) => this.model.onTurnEnded(turn),
    });
    this.track = new OutputTrack({
      audio: (samples, startMs, endMs) => this.sendOutputAudio(samples, startMs, endMs),
      transcript: (delta, startMs, endMs) =>
        this.emit({
          type: 'session.output_transcript.delta',
          delta,
          start_ms: startMs,
          end_ms: endMs,
        }),
    });
    this.model = new LiveModel(this);
    for (const item of this.resource.input) this.model.addStartupItem(item);
    const msLeft = this.resource.expires_at * 1000 - Date.now();
    this.expiry = setTimeout(() => this.close('expired'), Math.max(0, msLeft));
    this.expiry.unref();
  }

  get id(): string {
    return this.resource.id;
  }

  /** The session's audio format (media sessions have none on the wire: PCM16 24 kHz inside). */
  get format(): LiveAudioFormat {
    return this.resource.audio.format ?? { type: 'audio/pcm', rate: 24000 };
  }

  get stored(): boolean {
    return this.resource.store === true;
  }

  /**
   * Sends `session.started` (answering `clientEventId`) on the primary, and keeps it for
   * sidebands' replay. A media session (created over HTTP) starts without a primary socket.
   */
  start(port: LivePort | null, clientEventId?: string): void {
    const event: Json = {
      type: 'session.started',
      event_id: createLiveEventId(),
      session: this.resource,
    };
    if (clientEventId !== undefined) event.client_event_id = clientEventId;
    this.startedEvent = JSON.stringify(event);
    if (!port) return;
    this.ports.add(port);
    this.sendTo(port, this.startedEvent);
  }

  /** Attaches a sideband: a short replay (the start and about the last 3 s, original ids kept), then live events. */
  attach(port: LivePort): void {
    this.ports.add(port);
    if (this.startedEvent) this.sendTo(port, this.startedEvent);
    const since = Date.now() - REPLAY_MS;
    for (const entry of this.replay) if (entry.at >= since) this.sendTo(port, entry.data);
  }

  /**
   * Attaches a WebRTC data channel: `session.started` (the media session has started already),
   * then `info` when its permissions restrict it, then the live events it accepts. No replay.
   */
  attachChannel(port: LivePort, info: Json | null): void {
    this.ports.add(port);
    if (this.startedEvent) this.sendTo(port, this.startedEvent);
    if (info) this.sendTo(port, JSON.stringify({ ...info, event_id: createLiveEventId() }));
  }

  /** A socket went away. Losing the primary ends the session (`connection_lost`, to surviving sidebands). */
  detach(port: LivePort): void {
    if (!this.ports.delete(port)) return;
    if (port.role === 'primary') this.close('connection_lost');
  }

  /** Sends a server event to every attached socket (filling `event_id`), and keeps it for replays. */
  emit(event: Json, clientEventId?: string): void {
    if (this.closed && event.type !== 'session.closed' && event.type !== 'error') return;
    const full: Json = { type: event.type, event_id: createLiveEventId(), ...event };
    if (clientEventId !== undefined) full.client_event_id = clientEventId;
    const data = JSON.stringify(full);
    this.replay.push({ at: Date.now(), data });
    if (this.replay.length > MAX_REPLAY_EVENTS) this.replay.shift();
    for (const port of this.ports) if (port.accepts?.(full) !== false) this.sendTo(port, data);
  }

  /** Sends an error to one socket (errors answer the command that caused them). */
  sendError(port: LivePort, error: LiveProtocolError, clientEventId?: string | null): void {
    this.sendTo(port, JSON.stringify(error.toEvent(clientEventId)));
  }

  sendTo(port: LivePort, data: string): void {
    if (!this.stalled) port.send(data);
  }

  private sendOutputAudio(samples: Int16Array, startMs: number, endMs: number): void {
    if (this.stored) this.output.push(samples);
    this.media?.audio(samples);
    const primary = JSON.stringify({
      type: 'session.output_audio.delta',
      delta: encodeFor(samples, this.format),
    });
    const reflected = this.options.sidebandOutputAudio
      ? JSON.stringify({
          type: 'session.output_audio.delta',
          delta: Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength).toString(
            'base64',
          ),
          start_ms: startMs,
          end_ms: endMs,
        })
      : null;
    for (const port of this.ports) {
      if (port.role === 'primary') this.sendTo(port, primary);
      // Never on a data channel: a media session's audio travels on the media track.
      else if (reflected && port.role === 'sideband') this.sendTo(port, reflected);
    }
  }

  /** `session.input_audio.append` on the primary: advances the timeline by the audio's duration. */
  appendAudio(audio: unknown): void {
    if (typeof audio !== 'string')
      throw new LiveProtocolError(
        'invalid_type',
        "Invalid type for 'audio': expected a string.",
        'audio',
      );
    let bytes: Buffer;
    try {
      bytes = decodeStrictBase64(audio, 'audio');
      checkAudioFormat(bytes, this.format as AudioFormat, 'audio');
    } catch (error) {
      throw new LiveProtocolError('invalid_audio', (error as Error).message, 'audio');
    }
    if (bytes.length === 0) return;
    this.appendSamples(decodeToLinear(bytes, this.format as AudioFormat));
  }

  /**
   * Input audio in the session's rate (a WebRTC session's decoded microphone: 24 kHz): recorded,
   * reflected to sidebands, heard by the turn detector, and the timeline advances by its length.
   */
  appendSamples(samples: Int16Array): void {
    if (this.closed || samples.length === 0) return;
    const at24k = resampleLinear(samples, this.format.rate, 24000);
    if (this.stored) this.input.push(at24k);
    const sidebands = [...this.ports].filter((port) => port.role === 'sideband');
    if (sidebands.length > 0) {
      // Reflected before model-input muting, always PCM16 24 kHz, no event_id (reference §5.2).
      const data = JSON.stringify({
        type: 'session.input_audio.append',
        audio: Buffer.from(at24k.buffer, at24k.byteOffset, at24k.byteLength).toString('base64'),
      });
      for (const port of sidebands) this.sendTo(port, data);
    }
    this.turns.push(this.muted ? new Int16Array(samples.length) : samples);
    this.inputRemainder += (samples.length * 1000) / this.format.rate;
    const whole = Math.floor(this.inputRemainder);
    this.inputRemainder -= whole;
    this.advance(whole);
  }

  /** Moves the timeline on: output chunks, due acknowledgements, usage. */
  private advance(ms: number): void {
    this.timelineMs += ms;
    this.track.advanceTo(this.timelineMs);
    while (this.appends.length > 0 && this.appends[0]!.endMs <= this.timelineMs) {
      const append = this.appends.shift()!;
      this.emit(
        { type: `session.${append.kind}.appended`, start_ms: append.startMs, end_ms: append.endMs },
        append.clientEventId,
      );
      this.model.onAppendInjected(append.kind, append.content, append.delegationId);
    }
    while (this.timelineMs >= this.nextUsageMs && !this.closed) {
      this.nextUsageMs += this.options.usageIntervalMs;
      this.emit({
        type: 'session.usage.updated',
        usage: { seconds: this.usageSeconds() },
        context_window: { usage_ratio: this.model.contextUsageRatio() },
      });
    }
  }

  /** Cumulative seconds of the session (timeline on WebSocket). */
  usageSeconds(): number {
    return Math.round(this.timelineMs / 100) / 10;
  }

  /** `session.{instructions,thinking,commentary}.append`: validated, acknowledged when the timeline reaches the injection. */
  append(
    port: LivePort,
    kind: PendingAppend['kind'],
    event: Json,
    clientEventId: string | undefined,
  ): void {
    const content = event.content;
    if (content === undefined)
      throw new LiveProtocolError(
        'missing_required_parameter',
        "Missing required parameter: 'content'.",
        'content',
      );
    if (typeof content !== 'string')
      throw new LiveProtocolError(
        'invalid_type',
        "Invalid type for 'content': expected a string.",
        'content',
      );
    // About 4 characters a token.
    if (content.length > LIVE_LIMITS.appendTokens * 4)
      throw new LiveProtocolError(
        'string_above_max_length',
        "Invalid 'content': string too long. Each append takes at most 500 tokens.",
        'content',
      );
    if (!('delegation_id' in event))
      throw new LiveProtocolError(
        'missing_required_parameter',
        "Missing required parameter: 'delegation_id'.",
        'delegation_id',
      );
    const delegationId = event.delegation_id;
    if (delegationId !== null) {
      if (typeof delegationId !== 'string')
        throw new LiveProtocolError(
          'invalid_type',
          "Invalid type for 'delegation_id': expected a string or null.",
          'delegation_id',
        );
      if (this.resource.delegation.type !== 'client')
        throw new LiveProtocolError(
          'invalid_value',
          "Invalid 'delegation_id': appends take a delegation id only under client delegation; use null.",
          'delegation_id',
        );
      if (!this.clientDelegations.has(delegationId))
        throw new LiveProtocolError(
          'invalid_value',
          `Invalid 'delegation_id': no delegation '${delegationId}' in this session.`,
          'delegation_id',
        );
    }
    const startMs = this.timelineMs + INJECTION_MS - 200;
    const endMs = startMs + Math.min(200, Math.ceil(content.length / 4) * 2);
    this.appends.push({ kind, content, delegationId, clientEventId, startMs, endMs, port });
    this.appends.sort((a, b) => a.endMs - b.endMs);
  }

  /** `session.update`. */
  update(value: unknown, clientEventId: string | undefined): void {
    this.resource = applyLiveUpdate(this.resource, value);
    this.emit({ type: 'session.updated', session: this.resource }, clientEventId);
  }

  /**
   * Ends the session: pending appends fail with `context_injection_incomplete`, then
   * `session.closed` with the reason and the final usage goes to every socket, and they close.
   */
  close(reason: LiveCloseReason, clientEventId?: string): void {
    if (this.closed) return;
    this.closed = reason;
    clearTimeout(this.expiry);
    this.model.dispose();
    this.track.interrupt();
    for (const append of this.appends.splice(0)) {
      const error = new LiveProtocolError(
        'context_injection_incomplete',
        'The session closed before the appended context was injected.',
      );
      this.sendError(append.port, error, append.clientEventId);
    }
    this.emit(
      {
        type: 'session.closed',
        reason,
        usage: { seconds: this.usageSeconds() },
        session: this.resource,
      },
      clientEventId,
    );
    for (const port of this.ports) port.close();
    this.ports.clear();
    this.media?.close();
    this.options.onClosed(this);
  }
}

/** Encodes 24 kHz PCM16 output in the session's format. */
function encodeFor(samples: Int16Array, format: LiveAudioFormat): string {
  let out: Int16Array | Buffer = samples;
  if (format.type === 'audio/pcm' && format.rate === 16000)
    out = resampleLinear(samples, 24000, 16000);
  const pcm = Buffer.from(out.buffer, out.byteOffset, out.byteLength);
  if (format.type === 'audio/pcm') return pcm.toString('base64');
  return encodeG711(pcm, format.type).toString('base64');
}
