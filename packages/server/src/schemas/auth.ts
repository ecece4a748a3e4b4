// Authentication: sign-in, first-run setup, password change, the admin session.
import { z } from 'zod';

/** `POST /api/admin/login`. */
export const loginSchema = z.object({
  email: z.email().max(254),
  password: z.string().min(1).max(1024),
});

/** `POST /api/admin/setup`: creates the first admin with the one-time token printed at start. */
export const setupSchema = z.object({
  token: z.string().min(16).max(256),
  email: z.email().max(254),
  password: z.string().min(12, 'at least 12 characters').max(1024),
});

/** `POST /api/admin/password`: the signed-in admin changes their password. */
export const passwordChangeSchema = z.object({
  currentPassword: z.string().min(1).max(1024),
  newPassword: z.string().min(12, 'at least 12 characters').max(1024),
});

/** The signed-in admin (`GET /api/admin/me`, `POST /api/admin/login`). */
export const adminSessionSchema = z.object({
  user: z.object({ id: z.string(), email: z.string() }),
  /** Send this in the `x-parley-csrf` header of every state-changing request. */
  csrfToken: z.string(),
  expiresAt: z.string(),
});
/** See {@link adminSessionSchema}. */
export type AdminSession = z.infer<typeof adminSessionSchema>;

/** `GET /api/admin/setup`: whether the first admin still has to be created. */
export const setupStatusSchema = z.object({ needed: z.boolean() });
/** See {@link setupStatusSchema}. */
export type SetupStatus = z.infer<typeof setupStatusSchema>;

/** Header that carries the CSRF token on state-changing admin requests. */
export const csrfHeaderName = 'x-parley-csrf';
