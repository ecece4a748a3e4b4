/**
 * Which address a request comes from, and whether its `X-Forwarded-*` headers can be believed.
 * `X-Forwarded-For` is a list each proxy appends to: its leftmost entries are whatever the client
 * sent, so the client's address is read from the right, past the proxies this server trusts (a
 * number of hops, or their addresses and CIDR ranges). proxy-addr (Express's) does the walking.
 */
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

/**
 * Reverse proxies to trust: `false` (none: the socket address is the client), `true` or a number
 * (that many hops in front of this server), or addresses and CIDR ranges of the proxies
 * (`['10.0.0.0/8', 'loopback']`).
 */
export type TrustProxy = boolean | number | readonly string[];

/** Reads `PARLEY_TRUST_PROXY`: `1`/`true`, a hop count, or a comma-separated list of addresses/CIDRs. */
export function parseTrustProxy(value: string | undefined): TrustProxy {
  const text = (value ?? '').trim();
  if (text === '' || text === '0' || text === 'false') return false;
  if (text === 'true') return 1;
  if (/^\d+$/.test(text)) return Number(text);
  return text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

/** How to read requests under one trust setting. */
export interface ProxyTrust {
  /** The client's address (what caps and rate limits count). */
  clientAddress(request: IncomingMessage): string;
  /** True when the request arrived through a trusted proxy, so its `X-Forwarded-*` headers count. */
  viaTrustedProxy(request: IncomingMessage): boolean;
}

/** Builds the readers for a {@link TrustProxy} setting. */
export function proxyTrust(setting: TrustProxy): ProxyTrust {
  const hops = setting === true ? 1 : typeof setting === 'number' ? setting : undefined;
  const trust: (address: string, index: number) => boolean =
    setting === false || hops === 0
      ? () => false
      : hops !== undefined
        ? (_address, index) => index < hops
        : proxyAddr.compile([...(setting as readonly string[])]);
  return {
    clientAddress: (request) => {
      if (!request.socket.remoteAddress) return 'unknown';
      return proxyAddr(request, trust);
    },
    viaTrustedProxy: (request) => {
      const socketAddress = request.socket.remoteAddress;
      return socketAddress !== undefined && trust(socketAddress, 0);
    },
  };
}

/** The last value of a header a proxy may have appended to (the nearest proxy's). */
export function lastForwarded(value: string | string[] | undefined): string | undefined {
  const joined = Array.isArray(value) ? value.join(',') : value;
  const last = joined?.split(',').at(-1)?.trim();
  return last ? last : undefined;
}

/**
 * The host the browser addressed: `Host`, or the nearest `X-Forwarded-Host` when the request came
 * through a trusted proxy (never from an untrusted client, which could name any host).
 */
export function requestHost(trust: ProxyTrust, request: IncomingMessage): string | undefined {
  if (trust.viaTrustedProxy(request)) {
    const forwarded = lastForwarded(request.headers['x-forwarded-host']);
    if (forwarded) return forwarded;
  }
  return request.headers.host;
}

/**
 * Whether a browser page at `origin` may call us: the same host it addressed, or one of the
 * configured origins. A missing Origin (not a browser) passes; the opaque `null` does not.
 */
export function originAllowed(
  origin: string | undefined,
  host: string | undefined,
  allowedOrigins: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (origin === 'null') return false;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  return (host !== undefined && parsed.host === host) || allowedOrigins.includes(parsed.origin);
}
