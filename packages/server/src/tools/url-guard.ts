/**
 * The guard on URLs the server calls on an admin's behalf (webhook tools, MCP servers): no
 * loopback, private, link-local (169.254.169.254), carrier-grade NAT, unique-local or otherwise
 * non-public address, and no internal name (`localhost`, `metadata.google.internal`), unless an
 * explicit allowlist names it. Checked when the URL is saved and again on every call, where the
 * name is resolved, every address checked, and the connection made to the checked address (a
 * DNS answer that changes between check and connect — rebinding — cannot slip through).
 * Refusals and failures name no internal detail, so the errors cannot map a network.
 */
import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import ipaddr from 'ipaddr.js';
import { Agent, fetch as undiciFetch } from 'undici';
import type { RequestInit as UndiciRequestInit } from 'undici';

/** A refused outbound URL; the message is safe to show to an admin. */
export class OutboundUrlRefusedError extends Error {
  override readonly name = 'OutboundUrlRefusedError';
  readonly code = 'url_refused';
}

/** Names that always mean "inside": the host itself, cloud metadata services, internal zones. */
const internalNames = ['localhost', 'metadata.google.internal', 'metadata', 'instance-data'];
const internalSuffixes = ['.localhost', '.internal', '.local', '.home.arpa'];

/** Reads `PARLEY_OUTBOUND_ALLOWLIST`: comma-separated hostnames, addresses or CIDR ranges. */
export function parseOutboundAllowlist(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry.length > 0);
}

/** Checks and calls outbound URLs under one allowlist. */
export interface UrlGuard {
  /**
   * Refuses (throws {@link OutboundUrlRefusedError}) a URL that is not http(s) or names an
   * internal host; resolves the name too and refuses internal answers. For save time.
   */
  check(url: string): Promise<URL>;
  /** `fetch` that resolves, checks and connects to the checked address only. */
  fetch(url: string, init: UndiciRequestInit): Promise<Response>;
  close(): Promise<void>;
}

function stripBrackets(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

/**
 * Creates the guard, e.g. `createUrlGuard(parseOutboundAllowlist(process.env.PARLEY_OUTBOUND_ALLOWLIST))`.
 * MCP server URLs and webhook URLs go through the same guard.
 *
 * @example
 * ```ts
 * const guard = createUrlGuard(['127.0.0.1']); // tests: a local webhook receiver
 * await guard.check('https://hooks.example.com/orders');
 * const response = await guard.fetch('https://hooks.example.com/orders', { method: 'POST', body });
 * ```
 */
export function createUrlGuard(
  allowlist: readonly string[] = [],
  options: {
    /** Name resolution (default `dns.lookup`); tests inject answers to play a rebinding DNS. */
    lookup?: typeof dnsLookup;
  } = {},
): UrlGuard {
  const resolveName = options.lookup ?? dnsLookup;
  const ranges: [ipaddr.IPv4 | ipaddr.IPv6, number][] = [];
  const names = new Set<string>();
  for (const entry of allowlist) {
    if (ipaddr.isValidCIDR(entry)) ranges.push(ipaddr.parseCIDR(entry));
    else if (ipaddr.isValid(stripBrackets(entry))) {
      const address = ipaddr.process(stripBrackets(entry));
      ranges.push([address, address.kind() === 'ipv4' ? 32 : 128]);
    } else names.add(entry);
  }

  const addressAllowed = (text: string): boolean => {
    if (!ipaddr.isValid(text)) return false;
    const address = ipaddr.process(text); // ::ffff:10.0.0.1 counts as 10.0.0.1
    if (ranges.some(([base, bits]) => base.kind() === address.kind() && address.match(base, bits)))
      return true;
    return address.range() === 'unicast';
  };
  const nameAllowed = (hostname: string) => names.has(hostname.toLowerCase());
  const refuse = () =>
    new OutboundUrlRefusedError('the URL points to an address that is not allowed');

  const checkShape = (text: string): URL => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new OutboundUrlRefusedError('the URL is not valid');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OutboundUrlRefusedError('the URL must use http or https');
    }
    const host = stripBrackets(url.hostname).toLowerCase().replace(/\.$/, '');
    if (nameAllowed(host)) return url;
    if (ipaddr.isValid(host)) {
      if (!addressAllowed(host)) throw refuse();
      return url;
    }
    if (
      internalNames.includes(host) ||
      internalSuffixes.some((suffix) => host.endsWith(suffix)) ||
      !host.includes('.')
    ) {
      throw refuse();
    }
    return url;
  };

  /** dns.lookup that answers only with allowed addresses, and refuses when any answer is not. */
  const guardedLookup = (
    hostname: string,
    options: LookupOptions,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => {
    resolveName(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) {
        callback(new OutboundUrlRefusedError('the host name could not be resolved'), []);
        return;
      }
      const list = addresses;
      if (!nameAllowed(hostname) && list.some((entry) => !addressAllowed(entry.address))) {
        callback(refuse(), []);
        return;
      }
      if (options.all) callback(null, list);
      else callback(null, list[0]!.address, list[0]!.family);
    });
  };
  const agent = new Agent({ connect: { lookup: guardedLookup } });

  return {
    async check(text) {
      const url = checkShape(text);
      const host = stripBrackets(url.hostname);
      if (ipaddr.isValid(host) || nameAllowed(host)) return url;
      await new Promise<void>((resolve, reject) => {
        guardedLookup(host, {}, (error) => {
          // A name that does not resolve now may later: the call-time check still applies.
          if (error && !error.message.includes('could not be resolved')) reject(error);
          else resolve();
        });
      });
      return url;
    },
    async fetch(text, init) {
      checkShape(text);
      return (await undiciFetch(text, { ...init, dispatcher: agent })) as unknown as Response;
    },
    close: () => agent.close(),
  };
}
