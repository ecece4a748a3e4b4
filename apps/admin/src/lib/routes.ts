// The console's routes, matched against the location hash (`#/agents/agt_1`). Hash routing needs
// nothing from the server that hosts the console: any static mount at /admin works.

/** A page of the console and the parameters its path carried. */
export type Route =
  | { page: 'sign-in'; redirect: string }
  | { page: 'agents' }
  | { page: 'agent'; id: string; tab: string }
  | { page: 'tools' }
  | { page: 'tool'; id: string }
  | { page: 'knowledge' }
  | { page: 'conversations' }
  | { page: 'conversation'; id: string }
  | { page: 'leads' }
  | { page: 'calls' }
  | { page: 'outbox' }
  | { page: 'analytics' }
  | { page: 'ledger' }
  | { page: 'webhooks' }
  | { page: 'experiments'; id: string | null }
  | { page: 'playground'; agentId: string | null; version: number | null }
  | { page: 'not-found'; path: string };

/** Pages that anyone may see; all others need a signed-in admin. */
export function isPublic(route: Route): boolean {
  return route.page === 'sign-in';
}

/** Only same-console paths are accepted as a post-sign-in redirect (no `//evil.example`). */
export function safeRedirect(value: string | null | undefined): string {
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/sign-in')) {
    return '/agents';
  }
  return value;
}

/** Parses a hash (with or without the leading `#`) into a route. */
export function parseRoute(hash: string): Route {
  const raw = hash.replace(/^#/, '') || '/';
  const [pathPart = '/', search = ''] = raw.split('?', 2);
  const query = new URLSearchParams(search);
  const segments = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, third] = segments;
  switch (first) {
    case undefined:
      return { page: 'agents' };
    case 'sign-in':
      return { page: 'sign-in', redirect: safeRedirect(query.get('redirect')) };
    case 'agents':
      return second ? { page: 'agent', id: second, tab: third ?? 'prompt' } : { page: 'agents' };
    case 'tools':
      return second ? { page: 'tool', id: second } : { page: 'tools' };
    case 'knowledge':
      return { page: 'knowledge' };
    case 'conversations':
      return second ? { page: 'conversation', id: second } : { page: 'conversations' };
    case 'leads':
      return { page: 'leads' };
    case 'calls':
      return { page: 'calls' };
    case 'outbox':
      return { page: 'outbox' };
    case 'analytics':
      return { page: 'analytics' };
    case 'ledger':
      return { page: 'ledger' };
    case 'webhooks':
      return { page: 'webhooks' };
    case 'experiments':
      return { page: 'experiments', id: second ?? null };
    case 'playground': {
      const version = Number(query.get('version'));
      return {
        page: 'playground',
        agentId: second ?? null,
        version: Number.isInteger(version) && version > 0 ? version : null,
      };
    }
    default:
      return { page: 'not-found', path: pathPart };
  }
}

/** The path part of a hash (what `redirect` carries), e.g. `/agents/agt_1`. */
export function hashPath(hash: string): string {
  return hash.replace(/^#/, '') || '/';
}

/** The sign-in path that comes back to `path` afterwards. */
export function signInPath(path: string): string {
  const redirect = safeRedirect(path);
  return `/sign-in?redirect=${encodeURIComponent(redirect)}`;
}
