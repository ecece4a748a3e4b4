/** The running-server handle of `createParleyServer`: drain, listen and close. */
import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { getRequestListener } from '@hono/node-server';
import type { Hono } from 'hono';
import type { SharedState } from './coordination/shared-state.js';
import type { PostCallService } from './post-call/post-call-service.js';
import type { Recordings } from './recording/recordings.js';
import type { RelayLoader } from './relay/relay-loader.js';
import type { ParleyServer, ParleyServerOptions } from './server-options.js';
import type { ConversationTakeover } from './sessions/conversation-takeover.js';
import type { SessionSlots } from './sessions/session-slots.js';
import type { Store } from './storage/store.js';
import type { Mailer } from './tools/mailer.js';
import type { UrlGuard } from './tools/url-guard.js';
import type { Upstream } from './upstream.js';
import type { WebRtcCalls } from './webrtc/webrtc-calls.js';

/** What the handle runs and, at close, ends (what the options gave stays open). */
export interface HandleParts {
  options: ParleyServerOptions;
  app: Hono;
  store: Store;
  upstream: Upstream;
  mailer: Mailer;
  shared: SharedState;
  urlGuard: UrlGuard;
  slots: SessionSlots;
  postCall: PostCallService;
  recordings: Recordings & { stop(): void };
  relay: RelayLoader;
  calls: WebRtcCalls;
  takeover: ConversationTakeover;
  setupToken: string | null;
  ready(): Promise<boolean>;
  /** Turns `/ready` to 503 and relay upgrades away. */
  startDraining(): void;
}

export function createServerHandle(parts: HandleParts): ParleyServer {
  const { app, relay, calls } = parts;
  let httpServer: Server | undefined;
  return {
    app,
    store: parts.store,
    postCall: parts.postCall,
    recordings: parts.recordings,
    upstream: parts.upstream,
    setupToken: parts.setupToken,
    handleUpgrade: relay.handleUpgrade,
    activeSessions: () => relay.size() + calls.size,
    ready: () => parts.ready(),
    drain: ({ deadlineMs = 30_000 } = {}) => {
      parts.startDraining();
      return drainSessions(relay, calls, deadlineMs);
    },
    listen(listenOptions = {}) {
      const listening = listen(app, relay, listenOptions);
      httpServer = listening.server;
      return listening.started;
    },
    close: () => closeAll(parts, httpServer),
  };
}

async function drainSessions(
  relay: RelayLoader,
  calls: WebRtcCalls,
  deadlineMs: number,
): Promise<{ handedOver: number; timedOut: boolean }> {
  const live = relay.size();
  const liveCalls = calls.size;
  if (live + liveCalls === 0) {
    void calls.drain();
    return { handedOver: 0, timedOut: false };
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => resolve('deadline'), deadlineMs);
  });
  // WebRTC calls cannot move: they are waited for (and hung up by close() past the deadline).
  const drained = Promise.all([relay.drain(), calls.drain()]).then(() => 'drained' as const);
  const outcome = await Promise.race([drained, deadline]);
  clearTimeout(timer);
  return { handedOver: live - relay.size(), timedOut: outcome === 'deadline' };
}

function listen(
  app: Hono,
  relay: RelayLoader,
  { port = 8080, host = '0.0.0.0' }: { port?: number; host?: string },
): { server: Server; started: ReturnType<ParleyServer['listen']> } {
  const listener = getRequestListener(app.fetch);
  const server = createServer((request, response) => void listener(request, response));
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (!relay.handleUpgrade(request, socket, head)) {
      socket.end('HTTP/1.1 404 Not Found\r\nconnection: close\r\n\r\n');
    }
  });
  const started = new Promise<Awaited<ReturnType<ParleyServer['listen']>>>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const address = server.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      setImmediate(relay.preload);
      resolve({ url: `http://${shownHost}:${address.port}`, port: address.port, server });
    });
  });
  return { server, started };
}

async function closeAll(parts: HandleParts, httpServer: Server | undefined): Promise<void> {
  // Another instance's takeovers no longer reach this one once its sessions are closing.
  parts.takeover.close();
  await Promise.all([parts.relay.close(), parts.calls.close()]);
  await parts.postCall.close();
  parts.recordings.stop();
  parts.slots.close();
  if (httpServer) {
    const server = httpServer;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
  parts.mailer.close();
  await parts.urlGuard.close();
  await parts.upstream.close();
  if (!parts.options.sharedState) await parts.shared.close();
  if (!parts.options.store) await parts.store.close();
}
