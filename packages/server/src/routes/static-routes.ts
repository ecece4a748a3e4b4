/** The built apps, when configured: the admin console at `/admin` and the demo at `/`. */
import { existsSync } from 'node:fs';
import type { Hono } from 'hono';
import { staticApp } from '../http/static-files.js';
import { adminSecurityHeaders, demoSecurityHeaders } from '../http/security-headers.js';
import type { SecurityHeaderSources } from '../http/security-headers.js';

/**
 * Serves the configured app directories on `app` (after the API routes), each with its security
 * headers (see `security-headers.ts`).
 */
export function useStaticApps(
  app: Hono,
  dirs: { demo?: string | null | undefined; admin?: string | null | undefined } | undefined,
  sources: SecurityHeaderSources,
): void {
  const adminDir = dirs?.admin;
  if (adminDir && existsSync(adminDir)) {
    const serve = staticApp(adminDir, '/admin');
    const headers = adminSecurityHeaders(sources);
    app.get('/admin', headers, (c) => c.redirect('/admin/'));
    app.get('/admin/*', headers, (c) => serve(c) ?? c.text('not found', 404));
  }
  const demoDir = dirs?.demo;
  if (demoDir && existsSync(demoDir)) {
    const serve = staticApp(demoDir, '/');
    app.get('/*', demoSecurityHeaders(sources), (c) => serve(c) ?? c.text('not found', 404));
  }
}
