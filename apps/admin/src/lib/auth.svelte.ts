// Who is signed in. The session cookie is HttpOnly; the console only ever sees the CSRF token and
// the admin's email, from `GET /me` or the sign-in answer.
import { z } from 'zod';
import { adminSessionSchema } from '@parley/server/schemas';
import type { AdminSession } from '@parley/server/schemas';
import { ApiError, api } from './api.js';

let session = $state<AdminSession | null>(null);
let checked = $state(false);

/** Reactive sign-in state. */
export const auth = {
  get session() {
    return session;
  },
  /** False until the first `GET /me` answered (so the console does not flash the sign-in page). */
  get checked() {
    return checked;
  },
};

function adopt(next: AdminSession | null) {
  session = next;
  api.setCsrfToken(next?.csrfToken ?? null);
}

/** Asks the server whether the browser's cookie is a live session. */
export async function loadSession(): Promise<void> {
  try {
    adopt(await api.get('/me', adminSessionSchema));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) throw error;
    adopt(null);
  } finally {
    checked = true;
  }
}

/** Signs in; throws ApiError (401 for wrong credentials, 400 with issues for bad input). */
export async function signIn(email: string, password: string): Promise<void> {
  adopt(await api.post('/login', { email, password }, adminSessionSchema));
}

/** Signs out on the server, then forgets the session here whatever the server said. */
export async function signOut(): Promise<void> {
  try {
    await api.post('/logout', {}, z.unknown());
  } finally {
    adopt(null);
  }
}

/** Forgets the session without calling the server (after a 401 elsewhere). */
export function dropSession(): void {
  adopt(null);
}
