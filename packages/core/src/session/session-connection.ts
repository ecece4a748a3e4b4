// The session's side of one connection: credentials, then the transport, and every frame in both
// directions in the session's protocol (Realtime in its dialect, or a family with an adapter
// through its runtime, loaded on its first connection: GPT-Live today, see ./family-runtime.ts). Each open is an attempt; callbacks of a retired
// attempt (late credentials, a socket closing after we moved on) are ignored.
import { encodeBase64, int16ToBytes } from '../audio/index.js';
import type { MachineEvent } from '../machine/events.js';
import { usesAdapter, wireDialect } from '../machine/selectors.js';
import type { MachineState } from '../machine/state.js';
import {
  loadBetaDialect,
  parseServerEvent,
  serializeClientEvent,
  type ClientEvent,
  type NeutralCommand,
} from '../protocol/index.js';
import type { Clock, Credentials, Transport, TransportOpenInfo } from '../ports.js';
import type { SessionListeners } from './listeners.js';
import type { VoiceSessionOptions } from './types.js';
import { loadFamilyRuntime } from './family-registry.js';
import type { FamilyRuntime } from './family-runtime.js';

/** What the connection needs of its session. */
export interface ConnectionHost {
  readonly options: VoiceSessionOptions;
  readonly transport: Transport;
  readonly clock: Clock;
  readonly random: () => number;
  readonly listeners: SessionListeners;
  /** The machine state now (it changes with every event). */
  state(): MachineState;
  dispatch(event: MachineEvent): void;
  /** The transport opened (before the machine hears of it): the audio port follows where audio goes. */
  transportOpened(info: TransportOpenInfo | undefined): void;
  /** Holds a server event back while code it needs loads (MCP); true when it took the event. */
  holdServerEvent(event: Extract<MachineEvent, { type: 'server' }>): boolean;
}

export class SessionConnection {
  /** Bumped on every open, so late credentials or socket callbacks of an old attempt are ignored. */
  private attempt = 0;
  /** The runtime of the family with an adapter this session speaks (GPT-Live), once loaded. */
  family: FamilyRuntime | null = null;

  constructor(private readonly host: ConnectionHost) {}

  /** Sends a client event in the session's dialect and tells the `clientEvent` listeners. */
  send(event: ClientEvent): void {
    const { transport, listeners } = this.host;
    transport.send(
      serializeClientEvent(event, { dialect: wireDialect(this.host.state()) }),
      'control',
    );
    listeners.emit('clientEvent', event);
  }

  /** Sends a neutral command, encoded by the adapter of the session's protocol family. */
  sendCommand(command: NeutralCommand, eventId: string): void {
    for (const { frame, event } of this.family?.commandFrames(command, eventId) ?? []) {
      this.host.transport.send(frame, 'control');
      this.host.listeners.emit('clientEvent', event);
    }
  }

  /** Sends microphone audio in the session's protocol. */
  sendAudio(pcm16: Int16Array): void {
    const state = this.host.state();
    const frame =
      usesAdapter(state) && this.family !== null
        ? // Muted: the same length of silence, so the session's clock (GPT-Live's) keeps running.
          this.family.audioFrame(
            encodeBase64(int16ToBytes(state.snapshot.muted ? new Int16Array(pcm16.length) : pcm16)),
          )
        : serializeClientEvent(
            { type: 'input_audio_buffer.append', audio: encodeBase64(int16ToBytes(pcm16)) },
            { dialect: wireDialect(state) },
          );
    this.host.transport.send(frame, 'audio');
  }

  /** Closes the transport; the machine hears of it at once (the attempt is retired). */
  close(code: number, reason: string): void {
    const { transport, clock, random } = this.host;
    this.attempt += 1;
    transport.close(code, reason);
    // The close callback belongs to a retired attempt now; tell the machine ourselves.
    this.host.dispatch({
      type: 'transport_closed',
      code,
      reason,
      initiatedLocally: true,
      at: clock.now(),
      random: random(),
    });
  }

  /** Asks for credentials (attempt `attemptNumber` of the machine), then connects the transport. */
  open(attemptNumber: number): void {
    const { options, clock, random } = this.host;
    const attempt = ++this.attempt;
    let credentials: Promise<Credentials>;
    try {
      // What the transport can take now: an `'auto'` one that fell back for good says WebSocket.
      const mode = this.host.transport.media?.mode;
      credentials = options.credentials({
        attempt: attemptNumber,
        transport: mode === 'media' ? 'webrtc' : mode === 'either' ? 'auto' : 'websocket',
      });
    } catch (error) {
      credentials = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    credentials
      .then(async (value) => {
        // A family with an adapter loads its runtime first (once); Realtime never does. The
        // beta dialect's translators load the same way, before the first frame is read or written.
        const family = loadFamilyRuntime(value.protocol);
        if (family !== null) this.family = await family;
        else if ((value.dialect ?? options.dialect ?? 'ga') === 'beta') await loadBetaDialect();
        // The family's say on where to connect (GPT-Live's `fork()` opens the fork socket).
        return family !== null && this.family !== null
          ? this.family.connectCredentials(value, this.host.state())
          : value;
      })
      .then(
        (value) => {
          if (attempt !== this.attempt) return;
          this.host.dispatch({
            type: 'credentials_ready',
            dialect: value.dialect ?? options.dialect ?? 'ga',
            serverRunsTools: value.serverRunsTools === true,
            managedSession: value.managedSession === true,
            model: value.model ?? null,
            ...(this.family !== null && this.family.handlers.family === value.protocol
              ? { protocol: this.family.handlers.family, family: this.family.handlers }
              : {}),
            at: clock.now(),
          });
          this.connectTransport(attempt, value);
        },
        (error: unknown) => {
          if (attempt !== this.attempt) return;
          this.host.dispatch({
            type: 'credentials_failed',
            message: error instanceof Error ? error.message : String(error),
            at: clock.now(),
            random: random(),
          });
        },
      );
  }

  private connectTransport(attempt: number, credentials: Credentials): void {
    const { transport, clock, random, listeners } = this.host;
    const current = () => attempt === this.attempt;
    transport.connect(credentials, {
      onOpen: (info) => {
        if (!current()) return;
        this.host.transportOpened(info);
        this.host.dispatch({
          type: 'transport_open',
          ...(info === undefined
            ? {}
            : {
                transport: info.transport,
                media: info.media,
                ...(info.fallbackReason === undefined
                  ? {}
                  : { fallbackReason: info.fallbackReason }),
              }),
          at: clock.now(),
        });
      },
      onMessage: (data) => {
        if (current()) this.receive(data);
      },
      onClose: (info) => {
        if (!current()) return;
        this.attempt += 1;
        this.host.dispatch({
          type: 'transport_closed',
          code: info.code,
          reason: info.reason,
          initiatedLocally: info.initiatedLocally,
          at: clock.now(),
          random: random(),
        });
      },
      onError: (error) => {
        if (current())
          listeners.emit('warning', { code: 'transport_error', message: error.message });
      },
    });
  }

  private receive(data: string): void {
    const { clock, listeners } = this.host;
    const state = this.host.state();
    if (usesAdapter(state) && this.family !== null) {
      this.receiveThroughAdapter(this.family, data);
      return;
    }
    const parsed = parseServerEvent(data, { dialect: wireDialect(state) });
    if (!parsed.success) {
      this.host.dispatch({
        type: 'protocol_error',
        message: parsed.error.message,
        at: clock.now(),
      });
      return;
    }
    if (listeners.has('serverEvent')) {
      listeners.emit(
        'serverEvent',
        parsed.event as unknown as { type: string; [key: string]: unknown },
      );
    }
    const event = {
      type: 'server' as const,
      event: parsed.event,
      at: clock.now(),
      wallAt: clock.wallNow(),
    };
    if (!this.host.holdServerEvent(event)) this.host.dispatch(event);
  }

  /** A frame of a family with an adapter: read by its reader, turned into neutral events. */
  private receiveThroughAdapter(family: FamilyRuntime, data: string): void {
    const { clock, listeners } = this.host;
    const read = family.readFrame(data);
    if (read.error !== null) {
      this.host.dispatch({ type: 'protocol_error', message: read.error, at: clock.now() });
      return;
    }
    if (listeners.has('serverEvent')) listeners.emit('serverEvent', read.event);
    for (const event of read.events) {
      this.host.dispatch({ ...event, at: clock.now(), wallAt: clock.wallNow() });
    }
  }
}
