import type { IncomingMessage } from 'node:http';
import type { Dialect } from './dialect.js';
import { errorBody } from './http-responses.js';

/** An ephemeral key this emulator minted. */
export interface MintedSecret {
  expiresAt: number;
  /** Session fields (GA patch) the key was minted with; they seed each connection made with it. */
  session: Record<string, unknown>;
  /** The model the key was minted for: a connection without `?model=` uses it. */
  model: string;
}

/** The outcome of checking a request's key. */
export type Authorization =
  { ok: true; secret: MintedSecret | null } | { ok: false; status: number; body: unknown };

/** The WebSocket subprotocols a request offered. */
export function protocolsOf(req: IncomingMessage): string[] {
  const header = req.headers['sec-websocket-protocol'];
  return (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/**
 * The API key, wherever a client puts it: `Authorization: Bearer`, Azure's `api-key` header, the
 * browser's `openai-insecure-api-key.` subprotocol, or an `api-key` query parameter.
 */
export function keyOf(req: IncomingMessage, url: URL): string | null {
  const authorization = req.headers.authorization;
  if (authorization?.toLowerCase().startsWith('bearer '))
    return authorization.slice(7).trim() || null;
  const apiKey = req.headers['api-key'];
  if (typeof apiKey === 'string' && apiKey) return apiKey;
  const fromProtocol = protocolsOf(req).find((p) => p.startsWith('openai-insecure-api-key.'));
  if (fromProtocol) return fromProtocol.slice('openai-insecure-api-key.'.length) || null;
  return url.searchParams.get('api-key');
}

/** Beta by the `OpenAI-Beta: realtime=v1` header or the `openai-beta.realtime-v1` subprotocol. */
export function dialectOf(req: IncomingMessage): Dialect {
  const header = req.headers['openai-beta'];
  const beta = (Array.isArray(header) ? header.join(',') : (header ?? '')).includes('realtime=v1');
  return beta || protocolsOf(req).includes('openai-beta.realtime-v1') ? 'beta' : 'ga';
}

/**
 * Checks keys against `requiredKeys` (null: any key, or none) and the minted `ek_` secrets, with
 * the real server's 401 bodies.
 */
export function createAuthorizer(
  requiredKeys: Set<string> | null,
  secrets: Map<string, MintedSecret>,
): (key: string | null) => Authorization {
  return (key) => {
    // Without `requireKey` a missing key is let through, so a local server that has no key to
    // send (Parley's relay with no OPENAI_API_KEY) works out of the box; with it, 401 as upstream.
    if (!key && !requiredKeys) return { ok: true, secret: null };
    if (!key) {
      return {
        ok: false,
        status: 401,
        body: errorBody(
          "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
          null,
        ),
      };
    }
    if (key.startsWith('ek_')) {
      const secret = secrets.get(key);
      if (!secret)
        return {
          ok: false,
          status: 401,
          body: errorBody('Invalid ephemeral key provided.', 'invalid_api_key'),
        };
      if (secret.expiresAt * 1000 <= Date.now()) {
        secrets.delete(key);
        return {
          ok: false,
          status: 401,
          body: errorBody('The ephemeral key has expired.', 'invalid_api_key'),
        };
      }
      return { ok: true, secret };
    }
    if (requiredKeys && !requiredKeys.has(key)) {
      const shown = key.length > 8 ? `${key.slice(0, 3)}***${key.slice(-4)}` : '***';
      return {
        ok: false,
        status: 401,
        body: errorBody(`Incorrect API key provided: ${shown}.`, 'invalid_api_key'),
      };
    }
    return { ok: true, secret: null };
  };
}
