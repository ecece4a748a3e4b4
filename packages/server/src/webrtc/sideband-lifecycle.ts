/**
 * The lifecycle both kinds of WebRTC sideband share (the Realtime {@link SidebandSession} and the
 * GPT-Live {@link LiveSidebandSession}): the call's conversation stored as a `webrtc` one, the
 * sideband socket attached with the server's key, the cap on how often a call may change its
 * locked settings, and the end, once — the kind's clocks stopped and open turn stored, the
 * conversation ended, upstream asked over the sideband for the last frame with usage when the
 * kind has one to wait for (GPT-Live: `session.close`, its final usage comes with
 * `session.closed`; Realtime: `response.cancel` for a response in progress, whose `response.done`
 * carries its usage), the socket closed, the call hung up upstream unless it ended there, and
 * {@link SidebandLifecycle.ended} settled once every write is stored (post-call work waits for it).
 * What the sideband's events mean is the kind's.
 *
 * @see ./sideband-session.ts
 * @see ./live-sideband-session.ts
 */
import WebSocket from 'ws';
import type { Logger } from '../logger.js';
import { ConversationRecorder } from '../relay/conversation-recorder.js';
import { asBuffer } from '../relay/fast-path.js';
import type { SessionOutcome } from '../relay/relay-timers.js';
import type { PublishedAgent } from '../storage/agents-store.js';
import type { Store } from '../storage/store.js';
import type { Upstream } from '../upstream.js';

/** How often a call may find its locked settings changed before it is ended. */
export const maxReassertions = 5;

/** The `event_id` of the `session.update` that puts a call's locked settings back. */
export const reassertEventId = 'evt_parley_locked';

/** The `event_id` of what a call ending on the server's side asks upstream for its last usage. */
export const closeEventId = 'evt_parley_close';

/**
 * How long a call ending on the server's side waits for the last frame with usage after asking
 * upstream for it over the sideband (GPT-Live's `session.closed`, which carries the seconds
 * billed since the last periodic `session.usage.updated`; Realtime's `response.done` of the
 * response in progress, cancelled). The service answers at once (the emulator within a few ms on
 * loopback); the browser's hang-up route, post-call work, takeovers and shutdown all wait for this
 * end, so a slow or silent upstream costs them at most this long, after which the socket closes and
 * the call is hung up as before (that usage then goes unstored).
 */
export const sessionCloseWaitMs = 2000;

/** What every sideband is given by the calls registry. */
export interface SidebandCallOptions {
  agent: PublishedAgent;
  clientId: string;
  /** The conversation to record into (started by the session). */
  conversationId: string;
  /** True when the call resumes `conversationId` (already stored and reopened): it goes on. */
  reopened: boolean;
  store: Store;
  upstream: Upstream;
  log: Logger;
  /** Ends the call upstream (a failure is logged here). */
  hangup: () => Promise<void>;
  onClose: () => void;
}

/** What one kind of sideband tells the lifecycle. */
export interface SidebandKind {
  /** The sideband's WebSocket URL (opened with `upstream.headers()`). */
  url: string;
  /** The service's name in a refusal ("realtime", "live"). */
  service: string;
  /** The call's name in logs ("WebRTC call", "WebRTC live call"). */
  label: string;
  /** The model the conversation is stored with. */
  model: string;
  /** How the call ends when the sideband closes on its own, and whether it is hung up still. */
  lost: { outcome: SessionOutcome; hangUp: boolean };
  /** A text frame from the sideband (none once the call ended). */
  frame(frame: Buffer): void;
  /** The sideband opened. */
  opened?(): void;
  /** The call ends: its clocks stop and its open turn is stored, before the conversation ends. */
  ending(outcome: SessionOutcome): void;
  /**
   * What the kind asks upstream over the sideband when the call ends on the server's side, so the
   * last frame that carries usage still arrives, or null when there is nothing to wait for (the
   * socket then closes and the call is hung up at once). GPT-Live: always `session.close`,
   * answered by `session.closed` with the final usage. Realtime: `response.cancel` while a
   * response is in progress, answered by its `response.done` with that response's usage.
   */
  close?(): SidebandClose | null;
}

/** See {@link SidebandKind.close}. */
export interface SidebandClose {
  /** The event sent upstream. */
  event: Record<string, unknown>;
  /** A text frame after the request (the kind stores any usage in it): true once it is answered. */
  closing(frame: Buffer): boolean;
  /**
   * True when the answer closes the call upstream (GPT-Live's `session.closed`): it is not hung
   * up then. False when the call is hung up still (Realtime's `response.done`).
   */
  closesCall: boolean;
}

/** The attach/record/finish lifecycle of one WebRTC call's sideband (see the module comment). */
export class SidebandLifecycle {
  /** The call's conversation. */
  readonly recorder: ConversationRecorder;
  private socket: WebSocket | null = null;
  private isClosed = false;
  private markEnded: () => void = () => undefined;
  /** Settles once the call has ended, been hung up and every write is stored. */
  readonly ended: Promise<void> = new Promise((resolve) => {
    this.markEnded = resolve;
  });
  /** Times the locked settings were found changed and sent again. */
  reassertions = 0;

  constructor(
    private readonly options: SidebandCallOptions,
    private readonly kind: SidebandKind,
  ) {
    const { agent } = options;
    this.recorder = new ConversationRecorder(
      options.store,
      options.log,
      {
        id: options.conversationId,
        reopened: options.reopened,
        agentId: agent.agent.id,
        agentVersion: agent.version,
        model: kind.model,
        clientId: options.clientId,
        mode: 'webrtc',
      },
      {
        onBacklogFull: () =>
          this.finish({
            status: 'failed',
            endReason: 'storage_unavailable',
            message: 'storage is unavailable',
          }),
      },
    );
  }

  /** The conversation this call records into. */
  get conversation(): string {
    return this.options.conversationId;
  }

  /** True once the call ended: nothing more is sent or handled. */
  get closed(): boolean {
    return this.isClosed;
  }

  /**
   * Attaches the sideband; resolves whether it listens (true) or could not (false). The answer
   * waits for it, so the browser's first events are not missed and a call nobody watches is not
   * handed to the browser.
   */
  start(): Promise<boolean> {
    const { kind } = this;
    const socket = new WebSocket(kind.url, {
      headers: this.options.upstream.headers(),
      perMessageDeflate: false,
      handshakeTimeout: 10_000,
    });
    this.socket = socket;
    if (kind.opened) socket.on('open', () => kind.opened?.());
    socket.on('message', (data, isBinary) => {
      if (!isBinary && !this.isClosed) kind.frame(asBuffer(data));
    });
    socket.on('unexpected-response', (_request, response) =>
      this.finish({
        status: 'failed',
        endReason: 'sideband_unavailable',
        message: `the ${kind.service} service refused the sideband (HTTP ${response.statusCode ?? 0})`,
      }),
    );
    socket.on('error', (error) => {
      this.options.log.warn('sideband socket error', {
        service: kind.service,
        error: error.message,
      });
      this.finish({ status: 'failed', endReason: 'sideband_unavailable' });
    });
    socket.on('close', () => this.finish(kind.lost.outcome, kind.lost.hangUp));
    return new Promise((resolve) => {
      socket.once('open', () => resolve(true));
      socket.once('close', () => resolve(false));
      socket.once('error', () => resolve(false));
      socket.once('unexpected-response', () => resolve(false));
    });
  }

  /**
   * Ends the call from outside (server shutdown, or `client_closed`: the browser hung up);
   * resolves once it is hung up and stored.
   */
  shutdown(endReason = 'server_shutdown'): Promise<void> {
    this.finish({ status: 'completed', endReason });
    return this.ended;
  }

  /** Sends a text frame on the sideband while it is open. */
  sendFrame(frame: string): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(frame);
  }

  /** Sends an event on the sideband while it is open. */
  send(event: Record<string, unknown>): void {
    this.sendFrame(JSON.stringify(event));
  }

  /**
   * The call changed its locked settings (`drift`, the fields): logged, and true when they are to
   * be put back; past {@link maxReassertions} the call ends (`config_tampering`) and it is false.
   */
  tampered(drift: readonly string[], warning: string): boolean {
    this.reassertions += 1;
    this.options.log.warn(warning, { conversationId: this.conversation, fields: drift });
    if (this.reassertions <= maxReassertions) return true;
    this.finish({ status: 'failed', endReason: 'config_tampering' });
    return false;
  }

  /**
   * Ends the call once: the kind stores its open turn, the conversation ends, and the sideband
   * closes — when the call ends here (`hangUp`) and the kind has a last frame to wait for, after
   * asking upstream for it and waiting (at most {@link sessionCloseWaitMs}) — then the call is hung
   * up upstream unless that answer closed it (or `hangUp` is false: it ended there already).
   */
  finish(outcome: SessionOutcome, hangUp = true): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.kind.ending(outcome);
    this.recorder.end({ status: outcome.status, endReason: outcome.endReason });
    const { socket } = this;
    const close =
      hangUp && socket?.readyState === WebSocket.OPEN ? (this.kind.close?.() ?? null) : null;
    const asked =
      socket && close
        ? this.requestClose(socket, close).then((answered) => answered && close.closesCall)
        : Promise.resolve(false);
    this.options.log.info(`${this.kind.label} ended`, {
      conversationId: this.conversation,
      reason: outcome.endReason,
    });
    void asked
      .then((closedUpstream) => {
        if (socket && socket.readyState !== WebSocket.CLOSED) socket.close(1000);
        // The final usage (if any) was queued before this: the flush covers it.
        const hungUp = hangUp && !closedUpstream ? this.hangup() : Promise.resolve();
        return Promise.all([hungUp, this.recorder.flushed()]);
      })
      .then(this.markEnded);
    this.options.onClose();
  }

  /**
   * Sends the kind's close request and hands it the frames that follow; resolves true once it is
   * answered, false when the socket closed without an answer or the wait ran out.
   */
  private requestClose(socket: WebSocket, close: SidebandClose): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (answered: boolean): void => {
        clearTimeout(timer);
        socket.off('message', onMessage);
        socket.off('close', onClosed);
        resolve(answered);
      };
      const onMessage = (data: WebSocket.RawData, isBinary: boolean): void => {
        if (!isBinary && close.closing(asBuffer(data))) done(true);
      };
      const onClosed = (): void => done(false);
      const timer = setTimeout(() => done(false), sessionCloseWaitMs);
      socket.on('message', onMessage);
      socket.on('close', onClosed);
      socket.send(JSON.stringify(close.event));
    });
  }

  private async hangup(): Promise<void> {
    try {
      await this.options.hangup();
    } catch (error) {
      this.options.log.warn(`could not hang up a ${this.kind.label}`, {
        conversationId: this.conversation,
        error,
      });
    }
  }
}
