/**
 * Middleware on every `/api` route: body size limits (documents may be large, nothing else needs
 * more than a few kilobytes), no caching and no content sniffing, and CORS for the public routes
 * when other origins embed the widget.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HttpError } from './errors.js';

const tooLarge = (c: Context) =>
  c.json({ error: { code: 'payload_too_large', message: 'the request body is too large' } }, 413);

/** Installs the `/api` middleware on `app` (before any route). */
export function useApiMiddleware(app: Hono, allowedOrigins: readonly string[]): void {
  app.use('/api/admin/documents/*', bodyLimit({ maxSize: 8 * 1024 * 1024, onError: tooLarge }));
  app.use('/api/admin/documents', bodyLimit({ maxSize: 8 * 1024 * 1024, onError: tooLarge }));
  const smallBody = bodyLimit({ maxSize: 256 * 1024, onError: tooLarge });
  app.use('/api/*', async (c, next) => {
    if (c.req.path.startsWith('/api/admin/documents')) return next();
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- Hono's wildcard route types
    return smallBody(c, next);
  });
  app.use('/api/*', async (c, next) => {
    // A NUL in a path or query parameter can match nothing and cannot be stored (PostgreSQL).
    if (/%00/i.test(c.req.url)) {
      throw new HttpError(400, 'invalid_request', 'the URL contains a NUL character');
    }
    await next();
    c.header('cache-control', 'no-store');
    c.header('x-content-type-options', 'nosniff');
  });
  if (allowedOrigins.length > 0) {
    const publicCors = cors({
      origin: [...allowedOrigins],
      allowMethods: ['GET', 'POST'],
      maxAge: 600,
    });
    app.use('/api/sessions', publicCors);
    app.use('/api/calls', publicCors);
    app.use('/api/agents', publicCors);
  }
}
