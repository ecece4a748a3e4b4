import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { DEFAULT_BETA_MODEL, DEFAULT_GA_MODEL } from './client-secrets.js';
import { RealtimeConnection } from './connection.js';
import { faultsFromQuery, type FaultOptions } from './faults.js';
import { errorBody, rejectUpgrade } from './http-responses.js';
import { dialectOf, keyOf, type Authorization } from './request-auth.js';
import type { SpeechSynthesizer } from './speech.js';
import type { RealtimeCall } from './webrtc/realtime-call.js';

const REALTIME_PATHS = new Set(['/v1/realtime', '/openai/v1/realtime', '/realtime']);
const MAX_SEND_BUFFER_BYTES = 32 * 1024 * 1024;

/** What the WebSocket endpoint needs from the server. */
export interface RealtimeUpgradeContext {
  authorize(key: string | null): Authorization;
  synthesizer: SpeechSynthesizer;
  speechRate: number;
  maxSessionMs: number;
  maxBetaSessionMs: number;
  maxEventBytes: number;
  faults: FaultOptions | undefined;
  allowBeta: boolean;
  emitConversationCreated: boolean;
  /** Open WebRTC calls by id, for sidebands (`?call_id=`). */
  calls: Map<string, RealtimeCall>;
  preambles: boolean;
}

/** The WebSocket endpoint: the server's `upgrade` listener and the open sockets. */
export interface RealtimeEndpoint {
  readonly wss: WebSocketServer;
  readonly sockets: Set<WebSocket>;
  readonly onUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) => void;
}

/**
 * The Realtime WebSocket endpoint: checks path, faults and key before the handshake (so a
 * refusal is an HTTP status, as upstream), picks the dialect and model, and runs one
 * {@link RealtimeConnection} per socket.
 */
export function createRealtimeEndpoint(context: RealtimeUpgradeContext): RealtimeEndpoint {
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: context.maxEventBytes * 2,
    perMessageDeflate: false,
    // A browser fails the handshake unless the server answers one of the protocols it offered:
    // `realtime` when offered, else another non-secret one, else (only the key was offered) that.
    handleProtocols: (protocols) => {
      if (protocols.has('realtime')) return 'realtime';
      for (const protocol of protocols)
        if (!protocol.startsWith('openai-insecure-api-key.')) return protocol;
      const [first] = protocols;
      return first ?? false;
    },
  });
  const sockets = new Set<WebSocket>();

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    socket.on('error', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!REALTIME_PATHS.has(url.pathname.replace(/\/+$/, ''))) {
      rejectUpgrade(
        socket,
        404,
        errorBody(
          `Invalid URL (GET ${url.pathname}); the Realtime endpoint is /v1/realtime.`,
          null,
        ),
      );
      return;
    }
    const faults = faultsFromQuery(url.searchParams, context.faults);
    if (faults.rejectStatus) {
      rejectUpgrade(
        socket,
        faults.rejectStatus,
        errorBody('Handshake rejected by fault injection.', 'fault_injected', 'server_error'),
      );
      return;
    }
    const auth = context.authorize(keyOf(req, url));
    if (!auth.ok) {
      rejectUpgrade(socket, auth.status, auth.body);
      return;
    }
    const callId = url.searchParams.get('call_id');
    if (callId !== null) {
      const call = context.calls.get(callId);
      if (!call) {
        rejectUpgrade(socket, 404, errorBody(`Call ${callId} not found.`, 'call_not_found'));
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => attachSideband(ws, call, sockets));
      return;
    }
    const dialect = dialectOf(req);
    const model =
      url.searchParams.get('model') ??
      url.searchParams.get('deployment') ??
      auth.secret?.model ??
      (dialect === 'beta' ? DEFAULT_BETA_MODEL : DEFAULT_GA_MODEL);
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      if (dialect === 'beta' && !context.allowBeta) {
        ws.close(4000, 'beta_api_shape_disabled');
        return;
      }
      const connection = new RealtimeConnection({
        dialect,
        model,
        intent: url.searchParams.get('intent') === 'transcription' ? 'transcription' : 'realtime',
        initialSession: auth.secret?.session,
        synthesizer: context.synthesizer,
        speechRate: context.speechRate,
        // Beta sessions ended after 30 minutes in the recordings, GA ones after 60.
        maxSessionMs: dialect === 'beta' ? context.maxBetaSessionMs : context.maxSessionMs,
        faults: { ...faults },
        emitConversationCreated: context.emitConversationCreated,
        preambles: context.preambles,
        maxEventBytes: context.maxEventBytes,
        send: (data) => {
          if (ws.readyState !== ws.OPEN) return;
          // A client that stops reading must not make the emulator buffer without bound.
          if (ws.bufferedAmount > MAX_SEND_BUFFER_BYTES)
            ws.close(1008, 'client is not reading: send buffer over 32 MiB');
          else ws.send(data);
        },
        close: (code, reason) => ws.close(code, reason),
      });
      // The speech engine loads on first use: a session that may soon speak is one, so the load
      // (about 0.3 s for espeak-ng) overlaps the user's first words instead of the first reply.
      // After this turn, so starting the worker does not hold up the handshake.
      setImmediate(() => context.synthesizer.prepare?.());
      ws.on('message', (data, isBinary) => connection.handleFrame(data as Buffer, isBinary));
      ws.on('close', () => {
        sockets.delete(ws);
        connection.dispose();
      });
      ws.on('error', () => undefined);
      connection.start();
    });
  };
  return { wss, sockets, onUpgrade };
}

/**
 * A sideband (`?call_id=`): the server's own socket on a WebRTC call, with the same protocol; it
 * receives the call's events from now on and its client events act on the call's session.
 */
function attachSideband(ws: WebSocket, call: RealtimeCall, sockets: Set<WebSocket>): void {
  sockets.add(ws);
  const attached = call.attachSideband({
    send: (data) => {
      if (ws.readyState !== ws.OPEN) return;
      if (ws.bufferedAmount > MAX_SEND_BUFFER_BYTES)
        ws.close(1008, 'client is not reading: send buffer over 32 MiB');
      else ws.send(data);
    },
    close: (code, reason) => ws.close(code, reason),
  });
  ws.on('message', (data, isBinary) => {
    if (!isBinary) attached.receive((data as Buffer).toString('utf8'));
  });
  ws.on('close', () => {
    sockets.delete(ws);
    attached.detach();
  });
  ws.on('error', () => undefined);
}
