import type { IncomingMessage, ServerResponse } from 'node:http';
import { DEFAULT_GA_MODEL } from '../client-secrets.js';
import { faultsFromQuery, type FaultOptions } from '../faults.js';
import { CORS_HEADERS, errorBody, readBody, sendJson } from '../http-responses.js';
import { createId } from '../ids.js';
import { keyOf, type Authorization } from '../request-auth.js';
import { applySessionPatch, createDefaultSession } from '../session-config.js';
import type { SpeechSynthesizer } from '../speech.js';
import { RealtimeCall } from './realtime-call.js';

/** What the calls endpoints need from the server. */
export interface CallsRouteContext {
  authorize(key: string | null): Authorization;
  synthesizer: SpeechSynthesizer;
  speechRate: number;
  maxSessionMs: number;
  maxEventBytes: number;
  faults: FaultOptions | undefined;
  emitConversationCreated: boolean;
  /** Interfaces the calls gather ICE candidates on (default loopback). */
  iceAddresses?: string[];
  /** The open calls by id (the sideband looks them up). */
  calls: Map<string, RealtimeCall>;
}

const CALLS_PATH = /^(?:\/openai)?\/v1\/realtime\/calls(?:\/([^/]+)(?:\/([a-z]+))?)?$/;
const MAX_OFFER_BYTES = 256 * 1024;

/** Whether a path belongs to the calls endpoints. */
export function isCallsPath(path: string): boolean {
  return CALLS_PATH.test(path);
}

/**
 * `POST /v1/realtime/calls` (the SDP offer as `application/sdp`, or `multipart/form-data` with
 * `sdp` and a GA `session`): 201 with the answer SDP and `Location: /v1/realtime/calls/rtc_…`.
 * `POST /v1/realtime/calls/{id}/hangup` ends a call. The key is checked as for WebSocket sessions;
 * an `ek_` key's session seeds the call, a standard key's call takes the form's session.
 */
export async function handleCallsRequest(
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
  path: string,
  context: CallsRouteContext,
): Promise<void> {
  const [, callId, action] = CALLS_PATH.exec(path) ?? [];
  if (req.method !== 'POST') {
    sendJson(res, 405, errorBody(`Method ${req.method ?? ''} not allowed; use POST.`, null));
    return;
  }
  const auth = context.authorize(keyOf(req, url));
  if (!auth.ok) {
    sendJson(res, auth.status, auth.body);
    return;
  }
  if (callId) {
    hangUp(res, url, callId, action, context);
    return;
  }
  const offer = await readOffer(req);
  if (!offer.ok) {
    sendJson(
      res,
      offer.status,
      errorBody(offer.message, offer.code, 'invalid_request_error', offer.param),
    );
    return;
  }
  const requested = offer.session ?? auth.secret?.session ?? {};
  const model =
    (typeof requested.model === 'string' ? requested.model : null) ??
    auth.secret?.model ??
    DEFAULT_GA_MODEL;
  const checked = applySessionPatch(
    createDefaultSession({ id: createId('sess'), model, expiresAt: 0 }),
    { ...requested, type: requested.type ?? 'realtime', model: undefined },
    { hasAssistantAudio: false },
  );
  if (!checked.ok) {
    sendJson(
      res,
      400,
      errorBody(
        checked.error.message,
        checked.error.code,
        'invalid_request_error',
        checked.error.param,
      ),
    );
    return;
  }
  let answered: Awaited<ReturnType<typeof RealtimeCall.answer>>;
  try {
    answered = await RealtimeCall.answer(offer.sdp, {
      connection: {
        model,
        intent: 'realtime',
        initialSession: { ...requested, model: undefined },
        synthesizer: context.synthesizer,
        speechRate: context.speechRate,
        maxSessionMs: context.maxSessionMs,
        faults: faultsFromQuery(url.searchParams, context.faults),
        emitConversationCreated: context.emitConversationCreated,
        maxEventBytes: context.maxEventBytes,
      },
      iceAddresses: context.iceAddresses,
      onEnded: (call) => context.calls.delete(call.id),
    });
  } catch (error) {
    sendJson(
      res,
      400,
      errorBody(
        `Invalid SDP offer: ${(error as Error).message}`,
        'invalid_offer',
        'invalid_request_error',
        'sdp',
      ),
    );
    return;
  }
  const { call, answer } = answered;
  context.calls.set(call.id, call);
  res.writeHead(201, {
    ...CORS_HEADERS,
    'access-control-expose-headers': 'location',
    'content-type': 'application/sdp',
    location: `/v1/realtime/calls/${call.id}`,
    'content-length': Buffer.byteLength(answer),
  });
  res.end(answer);
}

/** `POST /v1/realtime/calls/{id}/hangup`: ends the call (404 for another action or an unknown call). */
function hangUp(
  res: ServerResponse,
  url: URL,
  callId: string,
  action: string | undefined,
  context: CallsRouteContext,
): void {
  const call = context.calls.get(callId);
  if (!call || action !== 'hangup') {
    sendJson(
      res,
      404,
      errorBody(
        call
          ? `Invalid URL (POST ${url.pathname}); an emulated WebRTC call supports /hangup.`
          : `Call ${callId} not found.`,
        call ? null : 'call_not_found',
      ),
    );
    return;
  }
  call.end();
  sendJson(res, 200, {});
}

type Offer =
  | { ok: true; sdp: string; session: Record<string, unknown> | null }
  | { ok: false; status: number; message: string; code: string; param: string | null };

/** The offer of a calls request: a raw SDP body, or the `sdp` and `session` fields of a form. */
async function readOffer(req: IncomingMessage): Promise<Offer> {
  const contentType = (req.headers['content-type'] ?? '').toLowerCase();
  let body: string;
  try {
    body = await readBody(req, MAX_OFFER_BYTES);
  } catch {
    return {
      ok: false,
      status: 413,
      message: 'The offer is too large.',
      code: 'invalid_offer',
      param: 'sdp',
    };
  }
  if (contentType.startsWith('application/sdp')) return checkSdp(body, null);
  if (contentType.startsWith('multipart/form-data')) {
    let form: FormData;
    try {
      form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
    } catch {
      return {
        ok: false,
        status: 400,
        message: 'We could not parse the multipart body of your request.',
        code: 'invalid_multipart',
        param: null,
      };
    }
    const sdp = form.get('sdp');
    const sessionField = form.get('session');
    let session: Record<string, unknown> | null = null;
    if (sessionField !== null) {
      try {
        const text = typeof sessionField === 'string' ? sessionField : await sessionField.text();
        const parsed: unknown = JSON.parse(text);
        if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error();
        session = parsed as Record<string, unknown>;
      } catch {
        return {
          ok: false,
          status: 400,
          message: "Invalid 'session': expected a JSON object.",
          code: 'invalid_json',
          param: 'session',
        };
      }
    }
    const text = typeof sdp === 'string' ? sdp : sdp ? await sdp.text() : '';
    return checkSdp(text, session);
  }
  return {
    ok: false,
    status: 415,
    message: `Unsupported content type '${contentType || '(none)'}': send the offer as application/sdp, or multipart/form-data with 'sdp' and 'session'.`,
    code: 'unsupported_content_type',
    param: null,
  };
}

function checkSdp(sdp: string, session: Record<string, unknown> | null): Offer {
  if (!sdp.trim())
    return {
      ok: false,
      status: 400,
      message: "Missing required parameter: 'sdp'.",
      code: 'missing_required_parameter',
      param: 'sdp',
    };
  return { ok: true, sdp, session };
}
