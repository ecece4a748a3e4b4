/**
 * Admin sign-in: password check, cookie sessions (httpOnly, SameSite=Strict; only a hash of the
 * token is stored), CSRF protection (an Origin check plus a per-session token in a header) and
 * a login rate limit per client and per account. Also the first-admin bootstrap.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrfHeaderName } from '../schemas.js';
import type { AdminSession } from '../schemas.js';
import type { AdminSessionRecord } from '../storage/admin-store.js';
import type { Store } from '../storage/store.js';
import { HttpError } from '../http/errors.js';
import { RateLimiter } from '../http/rate-limiter.js';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords.js';

/** Name of the admin session cookie. */
export const adminCookieName = 'parley_admin';
const setupTokenKey = 'setup_token_sha256';

/** Variables the auth middleware puts on the context. */
export interface AdminVariables {
  admin: AdminSessionRecord & { tokenHash: string };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Options of {@link createAdminAuth}. */
export interface AdminAuthOptions {
  store: Store;
  now: () => Date;
  /** Session lifetime. Default 12 hours. */
  sessionTtlMs?: number;
  /** Failed sign-ins allowed per client address and per email in 15 minutes. Default 10. */
  loginAttempts?: number;
  /** Mark cookies `Secure` (set behind HTTPS). Default: when the request came over HTTPS. */
  secureCookies?: boolean;
  /** Client address of a request (for the rate limit). */
  clientAddress: (c: Context) => string;
  /** Whether the browser reached us over HTTPS (directly or through a trusted proxy). */
  isHttps?: (c: Context) => boolean;
}

/** Sign-in machinery for the admin API. */
export function createAdminAuth(options: AdminAuthOptions) {
  const { store, now } = options;
  const ttl = options.sessionTtlMs ?? 12 * 3600_000;
  const attempts = options.loginAttempts ?? 10;
  const limiter = new RateLimiter(attempts, 15 * 60_000, () => now().getTime());

  async function startSession(
    c: Context,
    user: { id: string; email: string },
  ): Promise<AdminSession> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now().getTime() + ttl).toISOString();
    await store.admin.createSession({
      tokenHash: sha256(token),
      userId: user.id,
      csrfToken,
      expiresAt,
    });
    setCookie(c, adminCookieName, token, {
      httpOnly: true,
      sameSite: 'Strict',
      secure:
        options.secureCookies ??
        (options.isHttps ?? ((ctx: Context) => new URL(ctx.req.url).protocol === 'https:'))(c),
      path: '/api/admin',
      maxAge: Math.floor(ttl / 1000),
    });
    return { user: { id: user.id, email: user.email }, csrfToken, expiresAt };
  }

  /** Refuses cross-origin state changes: a browser always sends Origin on those. */
  const sameOrigin: MiddlewareHandler = async (c, next) => {
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      const origin = c.req.header('origin');
      const host = c.req.header('x-forwarded-host') ?? c.req.header('host');
      if (origin !== undefined && origin !== 'null') {
        let originHost: string | undefined;
        try {
          originHost = new URL(origin).host;
        } catch {
          originHost = undefined;
        }
        if (originHost !== host)
          throw new HttpError(403, 'forbidden', 'cross-origin request refused');
      } else if (origin === 'null') {
        throw new HttpError(403, 'forbidden', 'cross-origin request refused');
      }
    }
    await next();
  };

  /** Requires a live session; on state-changing methods also the CSRF header. */
  const requireAdmin: MiddlewareHandler<{ Variables: AdminVariables }> = async (c, next) => {
    const token = getCookie(c, adminCookieName);
    const tokenHash = token ? sha256(token) : undefined;
    const session = tokenHash ? await store.admin.findSession(tokenHash) : undefined;
    if (!session || !tokenHash) throw new HttpError(401, 'unauthorized', 'sign in first');
    const method = c.req.method;
    if (method !== 'GET' && method !== 'HEAD' && method !== 'OPTIONS') {
      const header = c.req.header(csrfHeaderName) ?? '';
      if (!safeEqual(header, session.csrfToken)) {
        throw new HttpError(403, 'forbidden', `missing or wrong ${csrfHeaderName} header`);
      }
    }
    c.set('admin', { ...session, tokenHash });
    await next();
  };

  return {
    sameOrigin,
    requireAdmin,

    async login(c: Context, email: string, password: string): Promise<AdminSession> {
      const keys = [`ip:${options.clientAddress(c)}`, `email:${email.toLowerCase()}`];
      for (const key of keys) {
        const state = limiter.blocked(key);
        if (!state.allowed) {
          throw new HttpError(
            429,
            'rate_limited',
            'too many sign-in attempts; try again later',
            undefined,
            {
              'retry-after': String(state.retryAfterSeconds),
            },
          );
        }
      }
      const user = await store.admin.findAdminByEmail(email);
      const ok = await verifyPassword(password, user?.password_hash ?? dummyPasswordHash);
      if (!user || !ok) {
        for (const key of keys) limiter.hit(key);
        throw new HttpError(401, 'unauthorized', 'wrong email or password');
      }
      for (const key of keys) limiter.reset(key);
      return startSession(c, user);
    },

    async logout(c: Context, tokenHash: string): Promise<void> {
      await store.admin.deleteSession(tokenHash);
      deleteCookie(c, adminCookieName, { path: '/api/admin' });
    },

    async setupNeeded(): Promise<boolean> {
      return (await store.admin.countAdmins()) === 0;
    },

    /** Creates the first admin with the one-time setup token, then forgets the token. */
    async setup(c: Context, token: string, email: string, password: string): Promise<AdminSession> {
      const limit = limiter.hit(`setup:${options.clientAddress(c)}`);
      if (!limit.allowed) {
        throw new HttpError(429, 'rate_limited', 'too many attempts', undefined, {
          'retry-after': String(limit.retryAfterSeconds),
        });
      }
      const stored = await store.admin.getSetting(setupTokenKey);
      if ((await store.admin.countAdmins()) > 0 || stored === undefined) {
        throw new HttpError(409, 'conflict', 'setup is already done');
      }
      if (!safeEqual(sha256(token), stored))
        throw new HttpError(401, 'unauthorized', 'wrong setup token');
      const user = await store.admin.createAdmin(email, await hashPassword(password));
      await store.admin.deleteSetting(setupTokenKey);
      return startSession(c, user);
    },

    startSession,
  };
}

/** See {@link createAdminAuth}. */
export type AdminAuth = ReturnType<typeof createAdminAuth>;

/**
 * Makes sure someone can administer the server: creates the first admin from a password, or
 * (when none is given and no admin exists) stores a fresh one-time setup token and returns it
 * for the caller to print.
 */
export async function bootstrapAdmin(
  store: Store,
  initial: { email?: string | undefined; password?: string | undefined },
): Promise<{ created: string | null; setupToken: string | null }> {
  if ((await store.admin.countAdmins()) > 0) return { created: null, setupToken: null };
  if (initial.password) {
    const email = initial.email ?? 'admin@parley.local';
    await store.admin.createAdmin(email, await hashPassword(initial.password));
    return { created: email, setupToken: null };
  }
  const token = randomBytes(24).toString('base64url');
  await store.admin.setSetting(setupTokenKey, sha256(token));
  return { created: null, setupToken: token };
}
