/** The built apps, when configured: the admin console at `/admin` and the demo at `/`. */
import { existsSync } from 'node:fs';
import type { Hono } from 'hono';
import { staticApp } from '../http/static-files.js';

/** Serves the configured app directories on `app` (after the API routes). */
export function useStaticApps(
  app: Hono,
  dirs: { demo?: string | null | undefined; admin?: string | null | undefined } | undefined,
): void {
  const adminDir = dirs?.admin;
  if (adminDir && existsSync(adminDir)) {
    const serve = staticApp(adminDir, '/admin');
    app.get('/admin', (c) => c.redirect('/admin/'));
    app.get('/admin/*', (c) => serve(c) ?? c.text('not found', 404));
  }
  const demoDir = dirs?.demo;
  if (demoDir && existsSync(demoDir)) {
    const serve = staticApp(demoDir, '/');
    app.get('/*', (c) => serve(c) ?? c.text('not found', 404));
  }
}
