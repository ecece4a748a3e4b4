import type { IncomingMessage, ServerResponse } from 'node:http';
import { mintBetaSecret, mintGaSecret, type MintContext } from './client-secrets.js';
import { CORS_HEADERS, errorBody, readBody, sendJson } from './http-responses.js';
import { keyOf, type Authorization } from './request-auth.js';
import { answerResponses } from './responses-route.js';
import { handleCallsRequest, isCallsPath, type CallsRouteContext } from './webrtc/calls-route.js';

/** What the HTTP endpoints need from the server. */
export interface HttpRoutesContext extends MintContext {
  authorize(key: string | null): Authorization;
  speechEngine: string;
  /** The WebRTC calls endpoints (`POST /v1/realtime/calls`, `/calls/{id}/hangup`). */
  calls: CallsRouteContext;
}

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The HTTP side of the emulator: CORS preflight, `GET /health`, minting ephemeral keys
 * (`POST /v1/realtime/client_secrets` for GA, `/v1/realtime/sessions` for beta), and WebRTC calls
 * (`POST /v1/realtime/calls`), and a deterministic `POST /v1/responses`. A handler that
 * fails answers 500 rather than leaving the request open.
 */
export function createHttpHandler(
  context: HttpRoutesContext,
): (req: IncomingMessage, res: ServerResponse) => void {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (req.method === 'OPTIONS') {
      res.writeHead(204, { ...CORS_HEADERS, 'access-control-max-age': '600' });
      res.end();
      return;
    }
    if (req.method === 'GET' && (path === '/' || path === '/health')) {
      sendJson(res, 200, {
        name: '@parley/emulator',
        realtime: '/v1/realtime',
        dialects: ['ga', 'beta'],
        speechEngine: context.speechEngine,
      });
      return;
    }
    if (isCallsPath(path)) {
      await handleCallsRequest(req, res, url, path, context.calls);
      return;
    }
    const isGa = path === '/v1/realtime/client_secrets';
    const isResponses = path === '/v1/responses';
    if (!isGa && !isResponses && path !== '/v1/realtime/sessions') {
      sendJson(res, 404, errorBody(`Invalid URL (${req.method ?? 'GET'} ${url.pathname})`, null));
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, errorBody(`Method ${req.method ?? ''} not allowed; use POST.`, null));
      return;
    }
    const auth = context.authorize(keyOf(req, url));
    if (!auth.ok) {
      sendJson(res, auth.status, auth.body);
      return;
    }
    let body: Record<string, unknown> = {};
    try {
      const text = await readBody(req, MAX_BODY_BYTES);
      if (text.trim()) body = JSON.parse(text) as Record<string, unknown>;
      if (body === null || typeof body !== 'object' || Array.isArray(body))
        throw new Error('not an object');
    } catch {
      sendJson(
        res,
        400,
        errorBody('We could not parse the JSON body of your request.', 'invalid_json'),
      );
      return;
    }
    const reply = isResponses
      ? answerResponses(body)
      : isGa
        ? mintGaSecret(body, context)
        : mintBetaSecret(body, context);
    sendJson(res, reply.status, reply.body);
  };
  return (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent)
        sendJson(
          res,
          500,
          errorBody('The emulator failed to handle the request.', 'server_error', 'server_error'),
        );
    });
  };
}
