import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { faultsFromQuery } from '../faults.js';
import { errorBody, rejectUpgrade } from '../http-responses.js';
import { keyOf, type Authorization } from '../request-auth.js';
import { resolveForkConfig, resolveStartConfig } from './live-config.js';
import {
  checkClientEvent,
  clientEventIdOf,
  dispatchLiveEvent,
  parseLiveFrame,
} from './live-dispatch.js';
import { LiveProtocolError } from './live-errors.js';
import { createLiveSessionId } from './live-ids.js';
import type { LivePath } from './live-paths.js';
import type { LiveRegistry } from './live-registry.js';
import type { LivePort, LiveSession } from './live-session.js';

const MAX_SEND_BUFFER_BYTES = 32 * 1024 * 1024;

/** The Live WebSocket endpoint: the server's `upgrade` handling for `…/live/sessions[/{id}/attach|fork]`. */
export interface LiveEndpoint {
  readonly wss: WebSocketServer;
  readonly sockets: Set<WebSocket>;
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, path: LivePath): void;
}

function notFound(id: string) {
  return new LiveProtocolError(
    'session_not_found',
    `Session '${id}' was not found.`,
    'session_id',
  ).toHttpBody();
}

/**
 * Accepts the three Live sockets the official clients open: the primary (`session.start` first,
 * then `session.started`), a sideband attached to a running session (a short replay, then live
 * events; no `session.start`), and a fork of a finished stored session (`session.start` with
 * overrides, a new session id). Keys are checked before the handshake, as upstream; a refusal is
 * an HTTP status with an OpenAI error body.
 */
export function createLiveEndpoint(
  registry: LiveRegistry,
  authorize: (key: string | null) => Authorization,
): LiveEndpoint {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: registry.settings.maxEventBytes * 2,
    perMessageDeflate: false,
  });
  const sockets = new Set<WebSocket>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer, path: LivePath): void => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    const faults = faultsFromQuery(url.searchParams, undefined);
    if (faults.rejectStatus) {
      rejectUpgrade(
        socket,
        faults.rejectStatus,
        errorBody('Handshake rejected by fault injection.', 'fault_injected', 'server_error'),
      );
      return;
    }
    const auth = authorize(keyOf(req, url));
    if (!auth.ok) {
      rejectUpgrade(socket, auth.status, auth.body);
      return;
    }
    if (path.kind === 'session' && path.action !== 'attach' && path.action !== 'fork') {
      rejectUpgrade(socket, 404, errorBody(`Invalid URL (GET ${url.pathname}).`, null));
      return;
    }
    if (
      path.kind === 'session' &&
      path.action === 'attach' &&
      !registry.running.has(path.sessionId)
    ) {
      rejectUpgrade(socket, 404, notFound(path.sessionId));
      return;
    }
    if (path.kind === 'session' && path.action === 'fork' && !registry.known(path.sessionId)) {
      rejectUpgrade(socket, 404, notFound(path.sessionId));
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      ws.on('error', () => undefined);
      const graceful = url.searchParams.get('graceful_close') === 'true';
      if (path.kind === 'session' && path.action === 'attach')
        attachSideband(ws, registry, path.sessionId, graceful);
      else runPrimary(ws, registry, path.kind === 'session' ? path.sessionId : null);
    });
  };
  return { wss, sockets, onUpgrade };
}

function portFor(ws: WebSocket, role: LivePort['role'], graceful: boolean): LivePort {
  return {
    role,
    send: (data) => {
      if (ws.readyState !== ws.OPEN) return;
      // A client that stops reading must not make the emulator buffer without bound.
      if (ws.bufferedAmount > MAX_SEND_BUFFER_BYTES)
        ws.close(1008, 'client is not reading: send buffer over 32 MiB');
      else ws.send(data);
    },
    close: () => {
      if (graceful) ws.close(1000);
      else ws.close();
    },
    abort: (code, reason) => ws.close(code, reason),
  };
}

function sendError(ws: WebSocket, error: LiveProtocolError, clientEventId?: string): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(error.toEvent(clientEventId)));
}

function attachSideband(
  ws: WebSocket,
  registry: LiveRegistry,
  sessionId: string,
  graceful: boolean,
): void {
  const session = registry.running.get(sessionId);
  if (!session) {
    ws.close(1011, 'session ended');
    return;
  }
  const port = portFor(ws, 'sideband', graceful);
  session.attach(port);
  ws.on('message', (data, isBinary) => {
    try {
      dispatchLiveEvent(
        session,
        port,
        parseLiveFrame(data as Buffer, isBinary, registry.settings.maxEventBytes),
      );
    } catch (error) {
      if (error instanceof LiveProtocolError) sendError(ws, error);
      else throw error;
    }
  });
  ws.on('close', () => session.detach(port));
}

/**
 * A primary (or WebSocket fork) connection: nothing is sent until `session.start`; a startup
 * error is an `error` and no `session.started` (the socket stays open for a corrected start).
 */
function runPrimary(ws: WebSocket, registry: LiveRegistry, forkOf: string | null): void {
  const port = portFor(ws, 'primary', false);
  let session: LiveSession | null = null;
  ws.on('message', (data, isBinary) => {
    let event: Record<string, unknown>;
    try {
      event = parseLiveFrame(data as Buffer, isBinary, registry.settings.maxEventBytes);
    } catch (error) {
      if (error instanceof LiveProtocolError) sendError(ws, error);
      return;
    }
    if (session) {
      dispatchLiveEvent(session, port, event);
      return;
    }
    const clientEventId = clientEventIdOf(event);
    try {
      if (event.type !== 'session.start')
        throw new LiveProtocolError(
          'invalid_value',
          `The first event on a Live session must be 'session.start', not '${String(event.type)}'.`,
          'type',
        );
      checkClientEvent(event);
      const init = { id: createLiveSessionId(), expiresAt: registry.expiresAt() };
      let resource;
      if (forkOf) {
        const source = registry.finished.get(forkOf);
        if (!source)
          throw new LiveProtocolError(
            'session_not_forkable',
            `Session '${forkOf}' cannot be forked: only a finished session created with store: true can be.`,
            'session_id',
          );
        resource = resolveForkConfig(source.resource, event.session, 'websocket', {
          ...init,
          history: source.history,
        });
      } else resource = resolveStartConfig(event.session, 'websocket', init);
      session = registry.create(resource);
      session.start(port, clientEventId);
      // The speech engine loads on first use; start it now so it is ready for the first reply.
      registry.settings.synthesizer.prepare?.();
    } catch (error) {
      if (error instanceof LiveProtocolError) sendError(ws, error, clientEventId);
      else throw error;
    }
  });
  ws.on('close', () => session?.detach(port));
}
