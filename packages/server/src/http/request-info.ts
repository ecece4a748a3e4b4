/**
 * What the routes read about a request beyond Hono's view of it: the client's address and
 * whether it came over HTTPS, both as seen through the reverse proxies the server trusts.
 */
import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { lastForwarded, requestHost } from './client-address.js';
import type { ProxyTrust } from './client-address.js';

/** Readers of a request's client address, forwarded protocol and host. */
export interface RequestInfo {
  /** The client's address (past trusted proxies); `unknown` outside Node's HTTP server. */
  clientAddress: (c: Context) => string;
  /** `X-Forwarded-Proto` of a request that came through a trusted proxy. */
  forwardedProto: (c: Context) => string | undefined;
  /** True when the browser reached us over HTTPS (directly or through a trusted proxy). */
  isHttps: (c: Context) => boolean;
  /** The host the browser asked for. */
  host: (c: Context) => string | undefined;
}

function incomingOf(c: Context): IncomingMessage | undefined {
  return (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
}

/** Request readers for the proxies in `trust`. */
export function requestInfo(trust: ProxyTrust): RequestInfo {
  const forwardedProto = (c: Context): string | undefined => {
    const incoming = incomingOf(c);
    return incoming && trust.viaTrustedProxy(incoming)
      ? lastForwarded(incoming.headers['x-forwarded-proto'])
      : undefined;
  };
  return {
    clientAddress(c) {
      const incoming = incomingOf(c);
      return incoming ? trust.clientAddress(incoming) : 'unknown';
    },
    forwardedProto,
    isHttps: (c) => new URL(c.req.url).protocol === 'https:' || forwardedProto(c) === 'https',
    host(c) {
      const incoming = incomingOf(c);
      return incoming ? requestHost(trust, incoming) : c.req.header('host');
    },
  };
}
