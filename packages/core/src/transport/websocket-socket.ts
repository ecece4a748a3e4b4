import type { TransportHandlers } from '../ports.js';

// One socket of the WebSocket transport: the part of the WebSocket API it uses, its event
// handlers, and the `ws` fallback for Node. The transport (./websocket-transport.ts) owns which
// socket is current; these handlers only report while theirs still is.

/** The part of the WebSocket API (browser or `ws`) the transport uses. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string }) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

/**
 * A WebSocket constructor: the browser's, or `ws`'s (whose third argument carries the upgrade
 * request's headers; a browser ignores it).
 */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
  options?: { headers?: Record<string, string> },
) => WebSocketLike;

const utf8 = new TextDecoder();

function messageText(data: unknown): string | null {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return utf8.decode(data);
  if (ArrayBuffer.isView(data)) return utf8.decode(data);
  return null;
}

/**
 * Wires a socket's events to `target` while `isCurrent()`; on close, `retire()` forgets the socket
 * and says whether this side closed it.
 */
export function listen(
  instance: WebSocketLike,
  isCurrent: () => boolean,
  target: TransportHandlers,
  retire: () => boolean,
): void {
  instance.binaryType = 'arraybuffer';
  instance.onopen = () => {
    if (isCurrent()) target.onOpen();
  };
  instance.onmessage = (event) => {
    if (!isCurrent()) return;
    const text = messageText(event.data);
    if (text !== null) target.onMessage(text);
  };
  instance.onerror = (event) => {
    if (!isCurrent()) return;
    const message =
      typeof event === 'object' && event !== null && 'message' in event
        ? String(event.message)
        : 'WebSocket error';
    target.onError(new Error(message));
  };
  instance.onclose = (event) => {
    if (!isCurrent()) return;
    const initiatedLocally = retire();
    target.onClose({ code: event.code, reason: event.reason, initiatedLocally });
  };
}

/** The `ws` package's constructor (Node), imported only when needed. */
export async function loadNodeWebSocket(): Promise<WebSocketConstructor> {
  // A specifier held in a variable keeps bundlers from following (and shipping) `ws`.
  const specifier = 'ws';
  const module = (await import(/* @vite-ignore */ specifier)) as {
    default?: WebSocketConstructor;
    WebSocket?: WebSocketConstructor;
  };
  const constructor = module.WebSocket ?? module.default;
  if (!constructor) throw new Error('the `ws` package has no WebSocket export');
  return constructor;
}
