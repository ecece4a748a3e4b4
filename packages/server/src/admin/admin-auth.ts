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
import { originAllowed } from '../http/client-address.js';
import { RateLimiter } from '../http/rate-limiter.js';
import type { SharedState } from '../coordination/shared-state.js';
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
  /** Where attempts are counted (shared by every instance). */
  shared: SharedState;
  /**
   * Sign-in attempts allowed per (client address, email) in 15 minutes, and password-change
   * attempts per (client address, admin). Default 10. Counting per pair means an attacker
   * elsewhere cannot lock the owner out by failing on purpose.
   */
  loginAttempts?: number;
  /** Mark cookies `Secure` (set behind HTTPS). Default: when the request came over HTTPS. */
  secureCookies?: boolean;
  /** Client address of a request (for the rate limit). */
  clientAddress: (c: Context) => string;
  /** The host the browser addressed (`Host`, or `X-Forwarded-Host` from a trusted proxy). */
  requestHost?: (c: Context) => string | undefined;
  /** Whether the browser reached us over HTTPS (directly or through a trusted proxy). */
  isHttps?: (c: Context) => boolean;
}

/** Sign-in machinery for the admin API. */
export function createAdminAuth(options: AdminAuthOptions) {
  const { store, now } = options;
  const ttl = options.sessionTtlMs ?? 12 * 3600_000;
  const attempts = options.loginAttempts ?? 10;
  const limiter = new RateLimiter(options.shared, 'login', attempts, 15 * 60_000, true);
  const tooMany = (retryAfterSeconds: number) =>
    new HttpError(429, 'rate_limited', 'too many attempts; try again later', undefined, {
      'retry-after': String(retryAfterSeconds),
    });

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
      const host = options.requestHost ? options.requestHost(c) : c.req.header('host');
      if (!originAllowed(c.req.header('origin'), host, [])) {
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
      const key = `${options.clientAddress(c)}|${email.toLowerCase()}`;
      // Counted before the password is checked, atomically: a burst cannot exceed the limit.
      const attempt = await limiter.hit(key);
      if (!attempt.allowed) throw tooMany(attempt.retryAfterSeconds);
      const user = await store.admin.findAdminByEmail(email);
      const ok = await verifyPassword(password, user?.password_hash ?? dummyPasswordHash);
      if (!user || !ok) throw new HttpError(401, 'unauthorized', 'wrong email or password');
      await limiter.reset(key);
      return startSession(c, user);
    },

    /** Counts a password-change attempt of `userId` (before the current password is checked). */
    async passwordAttempt(c: Context, userId: string): Promise<void> {
      const attempt = await limiter.hit(`password:${options.clientAddress(c)}|${userId}`);
      if (!attempt.allowed) throw tooMany(attempt.retryAfterSeconds);
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
      const limit = await limiter.hit(`setup:${options.clientAddress(c)}`);
      if (!limit.allowed) throw tooMany(limit.retryAfterSeconds);
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
