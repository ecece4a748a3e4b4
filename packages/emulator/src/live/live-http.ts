import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { CORS_HEADERS, readBody, sendJson } from '../http-responses.js';
import { keyOf, type Authorization } from '../request-auth.js';
import { resolveForkConfig, resolveStartConfig, type LiveSessionResource } from './live-config.js';
import {
  LiveProtocolError,
  invalidValue,
  missingParameter,
  unknownParameter,
} from './live-errors.js';
import { createLiveSessionId } from './live-ids.js';
import type { LivePath } from './live-paths.js';
import type { LiveRegistry } from './live-registry.js';
import { LiveCall } from '../webrtc/live-call.js';

type Json = Record<string, unknown>;

const MAX_BODY_BYTES = 1024 * 1024;

function sendError(res: ServerResponse, status: number, error: LiveProtocolError): void {
  sendJson(res, status, error.toHttpBody());
}

function sendEmpty(res: ServerResponse): void {
  res.writeHead(200, { ...CORS_HEADERS, 'content-length': 0, 'x-request-id': requestId() });
  res.end();
}

function requestId(): string {
  return `req_${randomBytes(16).toString('hex')}`;
}

async function readJson(req: IncomingMessage): Promise<Json> {
  let body: unknown;
  try {
    const text = await readBody(req, MAX_BODY_BYTES);
    body = text.trim() ? JSON.parse(text) : {};
  } catch {
    throw new LiveProtocolError(
      'invalid_json',
      'We could not parse the JSON body of your request.',
    );
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body))
    throw new LiveProtocolError('invalid_type', 'The request body must be a JSON object.');
  return body as Json;
}

/** Checks `transport: {type: "webrtc", sdp}`; outbound SIP is not emulated (as for a project without it). */
function checkTransport(value: unknown): string {
  if (value === undefined) throw missingParameter('transport');
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new LiveProtocolError(
      'invalid_type',
      "Invalid type for 'transport': expected an object.",
      'transport',
    );
  const transport = value as Json;
  if (transport.type === 'sip')
    throw new LiveProtocolError(
      'outbound_sip_not_enabled',
      'Outbound SIP is not enabled for this organization.',
      'transport.type',
    );
  if (transport.type !== 'webrtc')
    throw invalidValue('transport.type', transport.type, ['webrtc', 'sip']);
  for (const key of Object.keys(transport))
    if (key !== 'type' && key !== 'sdp') throw unknownParameter(`transport.${key}`);
  if (typeof transport.sdp !== 'string') throw missingParameter('transport.sdp');
  if (!transport.sdp.trimStart().startsWith('v=0'))
    throw new LiveProtocolError(
      'invalid_sdp',
      "Invalid 'transport.sdp': expected an SDP offer starting with 'v=0'.",
      'transport.sdp',
    );
  return transport.sdp;
}

/**
 * Starts a media session: the offer is answered first (a {@link LiveCall} on loopback), then the
 * session is created and bound to it, so an offer that cannot be answered starts nothing.
 */
async function startMediaSession(
  registry: LiveRegistry,
  resource: LiveSessionResource,
  offer: string,
): Promise<string> {
  const call = new LiveCall(registry.settings.iceAddresses, registry.settings.maxEventBytes);
  let answer: string;
  try {
    answer = await call.answer(offer);
  } catch (error) {
    call.end();
    throw new LiveProtocolError(
      'invalid_sdp',
      `Invalid 'transport.sdp': ${(error as Error).message}`,
      'transport.sdp',
    );
  }
  const session = registry.create(resource);
  session.start(null);
  call.bind(session);
  // The speech engine loads on first use; start it now so it is ready for the first reply.
  registry.settings.synthesizer.prepare?.();
  return answer;
}

function created(res: ServerResponse, id: string, sdp: string): void {
  const data = JSON.stringify({
    session: { id },
    transport: { type: 'webrtc', sdp },
  });
  res.writeHead(201, {
    ...CORS_HEADERS,
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(data),
    'x-request-id': requestId(),
  });
  res.end(data);
}

/** Reads a creation or fork body: only `session` and `transport`, the transport's SDP offer. */
async function readSessionBody(req: IncomingMessage): Promise<{ session: unknown; sdp: string }> {
  const body = await readJson(req);
  for (const key of Object.keys(body))
    if (key !== 'session' && key !== 'transport') throw unknownParameter(key);
  return { session: body.session, sdp: checkTransport(body.transport) };
}

/** `POST /v1/live/sessions`. */
async function createSession(
  req: IncomingMessage,
  res: ServerResponse,
  registry: LiveRegistry,
): Promise<void> {
  const { session, sdp } = await readSessionBody(req);
  if (session === undefined) throw missingParameter('session');
  const resource = resolveStartConfig(session, 'media', {
    id: createLiveSessionId(),
    expiresAt: registry.expiresAt(),
  });
  created(res, resource.id, await startMediaSession(registry, resource, sdp));
}

/** `GET …/{id}/content`: the recording of a finished stored session. */
function sendContent(res: ServerResponse, registry: LiveRegistry, sessionId: string): void {
  const finished = registry.finished.get(sessionId);
  if (!finished) {
    const running = registry.running.has(sessionId);
    sendError(
      res,
      400,
      new LiveProtocolError(
        running ? 'recording_not_ready' : 'recording_not_available',
        running
          ? `Session '${sessionId}' is still running; its recording is available once it has closed.`
          : `Session '${sessionId}' was not created with store: true, so it has no recording.`,
      ),
    );
    return;
  }
  res.writeHead(200, {
    ...CORS_HEADERS,
    'content-type': 'audio/wav',
    'content-length': finished.recording.length,
    'x-request-id': requestId(),
  });
  res.end(finished.recording);
}

/** `POST …/{id}/fork`: a new media session that goes on from a finished stored one. */
async function forkSession(
  req: IncomingMessage,
  res: ServerResponse,
  registry: LiveRegistry,
  sessionId: string,
): Promise<void> {
  const { session, sdp } = await readSessionBody(req);
  const source = registry.finished.get(sessionId);
  if (!source)
    throw new LiveProtocolError(
      'session_not_forkable',
      `Session '${sessionId}' cannot be forked: only a finished session created with store: true can be.`,
      'session_id',
    );
  const resource: LiveSessionResource = resolveForkConfig(source.resource, session ?? {}, 'media', {
    id: createLiveSessionId(),
    expiresAt: registry.expiresAt(),
    history: source.history,
  });
  created(res, resource.id, await startMediaSession(registry, resource, sdp));
}

/** `…/{id}/{action}` of a known session. */
async function sessionAction(
  req: IncomingMessage,
  res: ServerResponse,
  registry: LiveRegistry,
  { sessionId, action }: Extract<LivePath, { kind: 'session' }>,
): Promise<void> {
  if (action === 'content') return sendContent(res, registry, sessionId);
  if (action === 'fork') return forkSession(req, res, registry, sessionId);
  if (action === 'hangup') {
    registry.running.get(sessionId)?.close('close_requested');
    sendEmpty(res);
    return;
  }
  // accept / reject / refer / attach over HTTP: only SIP calls have these, and none are emulated.
  sendError(
    res,
    400,
    new LiveProtocolError(
      'not_a_sip_session',
      `Session '${sessionId}' is not a SIP call; '${action}' applies to SIP calls only.`,
    ),
  );
}

/**
 * The HTTP side of GPT-Live: `POST /v1/live/sessions` (WebRTC creation, 201: the offer answered
 * by a werift peer, Opus both ways, the `oai-events` channel), `POST …/{id}/fork`
 * (201), `GET …/{id}/content` (the stereo WAV of a finished stored session), `POST …/{id}/hangup`,
 * and `accept`/`reject`/`refer`, which only SIP calls have (none are emulated: 404 or 400).
 */
export function createLiveHttpHandler(
  registry: LiveRegistry,
  authorize: (key: string | null) => Authorization,
): (req: IncomingMessage, res: ServerResponse, path: LivePath) => Promise<void> {
  return async (req, res, path) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const auth = authorize(keyOf(req, url));
    if (!auth.ok) {
      sendJson(res, auth.status, auth.body);
      return;
    }
    const method = req.method ?? 'GET';
    const expected = path.kind === 'session' && path.action === 'content' ? 'GET' : 'POST';
    if (method !== expected) {
      sendError(
        res,
        405,
        new LiveProtocolError(
          'method_not_allowed',
          `Method ${method} is not allowed here; use ${expected}.`,
        ),
      );
      return;
    }
    try {
      if (path.kind === 'sessions') await createSession(req, res, registry);
      else if (!registry.known(path.sessionId))
        sendError(
          res,
          404,
          new LiveProtocolError(
            'session_not_found',
            `Session '${path.sessionId}' was not found.`,
            'session_id',
          ),
        );
      else await sessionAction(req, res, registry, path);
    } catch (error) {
      if (error instanceof LiveProtocolError)
        sendError(res, error.code === 'outbound_sip_not_enabled' ? 403 : 400, error);
      else throw error;
    }
  };
}
