/**
 * The two sockets of a relayed conversation: the browser's and the upstream's. Holds what the
 * browser sends before the upstream is configured, applies backpressure on both sides (drops
 * microphone audio when the upstream is backed up, gives up on a browser that does not read), and
 * closes both, telling the browser why.
 */
import WebSocket from 'ws';
import type { Upstream } from '../upstream.js';
import { asBuffer } from './fast-path.js';

/** What the relay does with what happens on the upstream socket. */
export interface UpstreamHandlers {
  /** The socket opened: send the configuration. */
  open: () => void;
  /** A text frame arrived (binary frames are not part of the protocol and are ignored). */
  frame: (frame: Buffer) => void;
  /** The service answered the upgrade with an HTTP status instead. */
  refused: (status: number) => void;
  failed: (error: Error) => void;
  closed: (code: number, reason: string) => void;
}

/** Close codes the relay uses towards the browser (the reason string repeats the code name). */
export const relayCloseCodes = {
  conversation_ended: 1000,
  server_shutdown: 1001,
  /**
   * 1012 "Service Restart": this instance is draining (a deploy); the browser reconnects at once
   * through the load balancer and the conversation resumes on another instance (core's
   * `RECONNECT_NOW_CLOSE`).
   */
  server_restart: 1012,
  invalid_ticket: 4001,
  agent_unavailable: 4004,
  idle_timeout: 4008,
  session_time_limit: 4010,
  too_many_sessions: 4029,
  upstream_closed: 4502,
  upstream_unavailable: 4503,
  client_too_slow: 4509,
  /** Storage stayed away until the conversation's queued writes reached their bound; resumable. */
  storage_unavailable: 4507,
  /** The browser sent more than the pre-upstream queue holds (bytes) before the upstream was ready. */
  client_flood: 4413,
} as const;

/** Why a relay session ended. */
export type RelayCloseReason = keyof typeof relayCloseCodes;

/**
 * Bytes the browser may send before the upstream is ready (about 5 s of base64 microphone audio
 * plus configuration). Counted in bytes, not frames: a frame may be 4 MiB.
 */
export const maxPendingBytes = 1024 * 1024;
const upstreamBufferLimit = 4 * 1024 * 1024;
const browserBufferLimit = 16 * 1024 * 1024;
const textFrame = { binary: false } as const;

/** A browser socket and, once opened, its upstream socket. */
export class SocketPair {
  private upstreamSocket: WebSocket | null = null;
  private upstreamReady = false;
  /** Browser frames that arrived before the upstream was configured, in order. */
  private readonly pending: (string | Buffer)[] = [];
  private pendingBytes = 0;
  private relayEventSeq = 0;
  /** Audio frames dropped because the upstream socket was backed up (or not there yet). */
  droppedAudioFrames = 0;

  constructor(
    private readonly browser: WebSocket,
    /** Called when the browser does not read fast enough: the caller ends the session. */
    private readonly onBrowserTooSlow: () => void,
    /** Called when the browser overflowed the pre-upstream queue: the caller ends the session. */
    private readonly onBrowserFlood: () => void = () => undefined,
  ) {}

  /** True once the upstream accepted the agent's configuration. */
  get ready(): boolean {
    return this.upstreamReady;
  }

  /** Opens the upstream socket for `model` (unless the upstream fixes the model). */
  connectUpstream(upstream: Upstream, model: string, handlers: UpstreamHandlers): void {
    const socket = new WebSocket(upstream.realtimeUrl(upstream.fixedModel ?? model), {
      headers: upstream.headers(),
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
      // The upstream is trusted and its audio frames are large: skip re-validating their UTF-8.
      skipUTF8Validation: true,
    });
    this.upstreamSocket = socket;
    socket.on('open', handlers.open);
    socket.on('message', (data, isBinary) => {
      if (!isBinary) handlers.frame(asBuffer(data));
    });
    socket.on('unexpected-response', (_request, response) =>
      handlers.refused(response.statusCode ?? 0),
    );
    socket.on('error', handlers.failed);
    socket.on('close', (code, reason) => handlers.closed(code, reason.toString()));
  }

  /**
   * The upstream is configured: sends `prelude` (frames that must come first, such as a
   * resume's replay), then what the browser sent meanwhile.
   */
  markReady(prelude: readonly string[]): void {
    this.upstreamReady = true;
    const socket = this.upstreamSocket;
    if (!socket) return;
    for (const frame of prelude) socket.send(frame, textFrame);
    for (const frame of this.pending.splice(0)) socket.send(frame, textFrame);
    this.pendingBytes = 0;
  }

  /** Sends a frame upstream, holding it until the upstream is ready; audio may be dropped. */
  sendUpstream(frame: string | Buffer, isAudio: boolean): void {
    const socket = this.upstreamSocket;
    if (!this.upstreamReady || !socket || socket.readyState !== WebSocket.OPEN) {
      this.pendingBytes += frame.length;
      if (this.pendingBytes > maxPendingBytes) {
        // Dropping would silently lose what the visitor said or typed: refuse and close instead.
        this.pending.length = 0;
        this.onBrowserFlood();
        return;
      }
      this.pending.push(frame);
      return;
    }
    if (isAudio && socket.bufferedAmount > upstreamBufferLimit) {
      this.droppedAudioFrames += 1;
      return;
    }
    socket.send(frame, textFrame);
  }

  /** Sends a frame straight to the upstream socket (its configuration, before it is ready). */
  sendUpstreamNow(frame: string): void {
    this.upstreamSocket?.send(frame);
  }

  /** Forwards a frame to the browser, unless it has stopped reading. */
  toBrowser(frame: string | Buffer): void {
    const browser = this.browser;
    if (browser.readyState !== WebSocket.OPEN) return;
    if (browser.bufferedAmount > browserBufferLimit) {
      this.onBrowserTooSlow();
      return;
    }
    browser.send(frame, textFrame);
  }

  /** Tells the browser that one of its events was refused (the session goes on). */
  sendBrowserError(code: string, message: string, eventId: string | null): void {
    this.toBrowser(this.errorFrame('invalid_request_error', code, message, eventId));
  }

  /**
   * Closes both sockets; with `message`, the browser first gets a `server_error` event saying
   * why (sent even when it is backed up: it is the last frame).
   */
  close(reason: RelayCloseReason, message: string | undefined): void {
    const browser = this.browser;
    if (message !== undefined && browser.readyState === WebSocket.OPEN) {
      browser.send(this.errorFrame('server_error', reason, message, null));
    }
    if (browser.readyState === WebSocket.OPEN || browser.readyState === WebSocket.CONNECTING) {
      browser.close(relayCloseCodes[reason], reason);
    }
    const upstream = this.upstreamSocket;
    if (upstream?.readyState === WebSocket.OPEN) upstream.close(1000, 'relay closed');
    else if (upstream?.readyState === WebSocket.CONNECTING) upstream.terminate();
  }

  private errorFrame(type: string, code: string, message: string, eventId: string | null): string {
    this.relayEventSeq += 1;
    return JSON.stringify({
      type: 'error',
      event_id: `event_parley_${this.relayEventSeq}`,
      error: { type, code, message, param: null, event_id: eventId },
    });
  }
}
