// Words of the sign-in and first-run page: what a failure means for the form the admin filled in,
// and where they will be taken afterwards, in the console's own words rather than a path.
import { ApiError } from './api.js';

/** `GET /api/admin/setup`: whether the first admin still has to be created (the server's schema). */
export { setupStatusSchema } from '@parley/server/schemas';

/** Which form the page shows. */
export type SignInMode = 'sign-in' | 'setup';

const sectionNames: Record<string, string> = {
  agents: 'Agents',
  tools: 'Tools',
  knowledge: 'Knowledge',
  conversations: 'Conversations',
  leads: 'Leads',
  analytics: 'Analytics',
  playground: 'the Playground',
};

/**
 * Where signing in leads, for the line under the heading ("Sign in to open Conversations."), or
 * null when it is the console's start page and needs no mention.
 */
export function destinationName(redirect: string): string | null {
  const [first, second] = redirect.split(/[/?]/).filter(Boolean);
  if (first === undefined || (first === 'agents' && second === undefined)) return null;
  const section = sectionNames[first];
  if (section === undefined) return null;
  if (second === undefined) return section;
  const one: Record<string, string> = {
    agents: 'an agent',
    tools: 'a tool',
    conversations: 'a conversation',
    playground: 'the Playground',
  };
  return one[first] ?? section;
}

/** The message for a failed sign-in or setup, worded for the form that was sent. */
export function failureMessage(mode: SignInMode, error: unknown, fallback: string): string {
  if (!(error instanceof ApiError)) return fallback;
  if (mode === 'setup') {
    if (error.status === 401) {
      return 'That setup token is not the one the server printed when it started. Copy it again from the server output.';
    }
    if (error.status === 409) return 'An admin account already exists: sign in with it instead.';
    return fallback;
  }
  if (error.status === 401) return 'That email and password do not match an admin account.';
  return fallback;
}
