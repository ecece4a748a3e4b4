/**
 * What the browser sends while the relay still looks up its ticket and agent: kept in order for
 * the session, within the same byte bound as the session's own pre-upstream queue.
 */
import type WebSocket from 'ws';
import { maxPendingBytes } from './socket-pair.js';

/** Size in bytes of a received WebSocket message in any of the shapes `ws` delivers. */
function rawLength(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((total, part) => total + part.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

/** Collects a browser socket's messages until a session takes the socket over. */
export class EarlyMessages {
  private readonly messages: [WebSocket.RawData, boolean][] = [];
  private bytes = 0;
  /** More than the bound arrived: the messages are dropped and `onFlood` was called. */
  flooded = false;

  private readonly listener = (data: WebSocket.RawData, isBinary: boolean): void => {
    if (this.flooded) return;
    this.bytes += rawLength(data);
    if (this.bytes > maxPendingBytes) {
      this.flooded = true;
      this.messages.length = 0;
      this.onFlood();
      return;
    }
    this.messages.push([data, isBinary]);
  };

  constructor(
    private readonly browser: WebSocket,
    private readonly onFlood: () => void,
  ) {
    browser.on('message', this.listener);
  }

  /** Stops collecting (the session listens from now on) and returns what arrived, in order. */
  handOver(): [WebSocket.RawData, boolean][] {
    this.browser.off('message', this.listener);
    return this.messages;
  }
}
