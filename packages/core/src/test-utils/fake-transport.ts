import type { Credentials, Transport, TransportHandlers, TransportStats } from '../ports.js';

/** One `connect()` call on a {@link FakeTransport}. */
export interface FakeConnection {
  readonly credentials: Credentials;
  readonly handlers: TransportHandlers;
  /** Frames sent on this connection, parsed from JSON, in order. */
  readonly sent: { type: string; [key: string]: unknown }[];
  state: 'connecting' | 'open' | 'closed';
}

/**
 * A {@link Transport} a test drives by hand: it records what the session sends and lets the test
 * play the server (`receive`), open the socket, or drop it.
 *
 * @example
 * ```ts
 * const transport = new FakeTransport();
 * // …session.connect()…
 * transport.open();
 * transport.receive({ type: 'session.created', event_id: 'e1', session: { … } });
 * expect(transport.sentTypes()).toContain('session.update');
 * ```
 */
export class FakeTransport implements Transport {
  readonly connections: FakeConnection[] = [];
  readonly stats: TransportStats = { droppedAudioFrames: 0, sentFrames: 0 };
  /** Open the socket as soon as `connect()` is called. */
  autoOpen: boolean;
  /** Refuse audio frames (as if the send buffer were over its bound), counting them as dropped. */
  congested = false;

  constructor(options: { autoOpen?: boolean } = {}) {
    this.autoOpen = options.autoOpen ?? false;
  }

  /** The most recent connection. Throws when `connect()` was never called. */
  get current(): FakeConnection {
    const connection = this.connections.at(-1);
    if (!connection) throw new Error('FakeTransport: connect() was not called');
    return connection;
  }

  connect(credentials: Credentials, handlers: TransportHandlers): void {
    const connection: FakeConnection = { credentials, handlers, sent: [], state: 'connecting' };
    this.connections.push(connection);
    if (this.autoOpen) this.open();
  }

  send(data: string, kind: 'audio' | 'control'): boolean {
    const connection = this.connections.at(-1);
    if (!connection || connection.state !== 'open') return false;
    if (kind === 'audio' && this.congested) {
      this.stats.droppedAudioFrames += 1;
      return false;
    }
    connection.sent.push(JSON.parse(data) as FakeConnection['sent'][number]);
    this.stats.sentFrames += 1;
    return true;
  }

  close(code = 1000, reason = ''): void {
    const connection = this.connections.at(-1);
    if (!connection || connection.state === 'closed') return;
    connection.state = 'closed';
    connection.handlers.onClose({ code, reason, initiatedLocally: true });
  }

  /** Completes the handshake of the current connection. */
  open(): void {
    const connection = this.current;
    connection.state = 'open';
    connection.handlers.onOpen();
  }

  /** Delivers one server event (an object is serialized; a string is delivered as is). */
  receive(event: object | string): void {
    const connection = this.current;
    if (connection.state !== 'open') throw new Error('FakeTransport: receive() on a closed socket');
    connection.handlers.onMessage(typeof event === 'string' ? event : JSON.stringify(event));
  }

  /** The server side drops the socket (an unexpected close). */
  drop(code = 1006, reason = 'connection lost'): void {
    const connection = this.current;
    if (connection.state === 'closed') return;
    connection.state = 'closed';
    connection.handlers.onClose({ code, reason, initiatedLocally: false });
  }

  /** Every frame sent on every connection, in order. */
  allSent(): FakeConnection['sent'] {
    return this.connections.flatMap((connection) => connection.sent);
  }

  /** Types of the frames sent on the current connection (audio appends left out by default). */
  sentTypes(options: { includeAudio?: boolean } = {}): string[] {
    return this.current.sent
      .map((event) => event.type)
      .filter((type) => options.includeAudio === true || type !== 'input_audio_buffer.append');
  }

  /** Frames of one type sent on the current connection. */
  sentOf(type: string): FakeConnection['sent'] {
    return this.current.sent.filter((event) => event.type === type);
  }
}
