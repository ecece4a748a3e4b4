/** The per-session endpoints. */
export type LiveSessionAction =
  'attach' | 'fork' | 'content' | 'hangup' | 'accept' | 'reject' | 'refer';

/** What a request path under `…/live/sessions` addresses. */
export type LivePath =
  { kind: 'sessions' } | { kind: 'session'; sessionId: string; action: LiveSessionAction };

const ACTIONS = new Set<string>([
  'attach',
  'fork',
  'content',
  'hangup',
  'accept',
  'reject',
  'refer',
]);

/**
 * Parses `…/live/sessions` and `…/live/sessions/{id}/{action}` under any base path (`/v1`,
 * `/openai/v1`, a proxy prefix), as the SDK builds them from `baseURL`. The id is URL-decoded
 * (the SDK encodes it). Anything else is null.
 */
export function parseLivePath(pathname: string): LivePath | null {
  const path = pathname.replace(/\/+$/, '');
  const at = path.lastIndexOf('/live/sessions');
  if (at < 0) return null;
  const rest = path.slice(at + '/live/sessions'.length);
  if (rest === '') return { kind: 'sessions' };
  const parts = rest.split('/').slice(1);
  if (parts.length !== 2 || !ACTIONS.has(parts[1]!)) return null;
  let sessionId: string;
  try {
    sessionId = decodeURIComponent(parts[0]!);
  } catch {
    return null;
  }
  if (!sessionId) return null;
  return { kind: 'session', sessionId, action: parts[1] as LiveSessionAction };
}

/** True when a path belongs to the Live endpoints (so the Realtime handler leaves it alone). */
export function isLivePath(pathname: string): boolean {
  return pathname.includes('/live/sessions');
}
