/** The signed-in admin's own routes: who am I, sign out, change password. */
import { Hono } from 'hono';
import type { AdminRoutesOptions } from '../admin-route-options.js';
import type { AdminVariables } from '../admin-auth.js';
import type { AdminSession } from '../../schemas.js';
import { passwordChangeSchema } from '../../schemas.js';
import { HttpError, jsonBody } from '../../http/errors.js';
import { hashPassword, verifyPassword } from '../passwords.js';

/** `/me`, `/logout`, `/password` (behind sign-in). */
export function accountRoutes({ store, auth }: AdminRoutesOptions) {
  const app = new Hono<{ Variables: AdminVariables }>();
  app.get('/me', (c) => {
    const admin = c.get('admin');
    const session: AdminSession = {
      user: { id: admin.userId, email: admin.email },
      csrfToken: admin.csrfToken,
      expiresAt: admin.expiresAt,
    };
    return c.json(session);
  });
  app.post('/logout', async (c) => {
    await auth.logout(c, c.get('admin').tokenHash);
    return c.json({ ok: true });
  });
  app.post('/password', async (c) => {
    const body = await jsonBody(c, passwordChangeSchema);
    const admin = c.get('admin');
    await auth.passwordAttempt(c, admin.userId);
    const user = await store.admin.findAdmin(admin.userId);
    if (!user || !(await verifyPassword(body.currentPassword, user.password_hash))) {
      throw new HttpError(401, 'unauthorized', 'the current password is wrong');
    }
    await store.admin.setPassword(user.id, await hashPassword(body.newPassword));
    await auth.startSession(c, user);
    return c.json({ ok: true });
  });
  return app;
}
