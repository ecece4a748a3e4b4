/**
 * Loads the relay after the server is up: it brings the protocol parsers and the WebSocket
 * server, and starting should not wait for them. The first upgrade awaits it if it is not there
 * yet. Upgrades from a page on another site are refused before the relay sees them.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../logger.js';
import type { RelayServer, RelayServerOptions } from './relay-server.js';

/** The relay endpoint, loaded on first use. */
export interface RelayLoader {
  /** Handles a WebSocket upgrade for `/api/realtime`; false for any other path. */
  handleUpgrade: (request: IncomingMessage, socket: Duplex, head: Buffer) => boolean;
  /** Loads the relay now (after listening), so the first visitor does not wait for it. */
  preload: () => void;
  /** Live relayed conversations. */
  size: () => number;
  /** Hands every live session over (see `RelayServer.drain`); nothing to do if never loaded. */
  drain: () => Promise<void>;
  /** Ends every live session (if the relay was loaded) and waits for their writes. */
  close: () => Promise<void>;
  /**
   * Ends a conversation's relayed sessions still live here and awaits their writes (see
   * `RelayServer.endLive`): true when there was one; false if the relay was never loaded.
   */
  endLive: (conversationId: string) => Promise<boolean>;
}

/** Creates the loader; `originAllowed` says whether an upgrade's page may open a conversation. */
export function createRelayLoader(
  options: RelayServerOptions,
  originAllowed: (request: IncomingMessage) => boolean,
  log: Logger,
): RelayLoader {
  let relay: RelayServer | undefined;
  let loading: Promise<RelayServer> | undefined;
  const load = () =>
    (loading ??= import('./relay-server.js').then(({ RelayServer: Relay }) => {
      relay = new Relay(options);
      return relay;
    }));
  return {
    handleUpgrade(request, socket, head) {
      if (new URL(request.url ?? '/', 'http://relay.invalid').pathname !== '/api/realtime')
        return false;
      // A browser always sends Origin on a WebSocket: a page on another site must not open a
      // conversation with a visitor's ticket (or cookies).
      if (!originAllowed(request)) {
        socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
        return true;
      }
      if (relay) return relay.handleUpgrade(request, socket, head);
      load().then(
        (loaded) => loaded.handleUpgrade(request, socket, head),
        (error: unknown) => {
          log.error('relay failed to load', { error });
          socket.destroy();
        },
      );
      return true;
    },
    preload: () => void load().catch(() => undefined),
    size: () => relay?.size ?? 0,
    drain: async () => {
      await relay?.drain();
    },
    async close() {
      if (loading) await (await loading.catch(() => undefined))?.close();
    },
    endLive: async (conversationId) =>
      loading
        ? ((await (await loading.catch(() => undefined))?.endLive(conversationId)) ?? false)
        : false,
  };
}
