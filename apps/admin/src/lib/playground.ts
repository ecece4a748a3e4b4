// Credentials for the playground: a relay ticket for one agent version (published or not) from the
// admin API, fetched again on every connect and reconnect like any Parley credentials provider.
// The mapping from the server's answer to credentials is core's (`sessionCredentials`).
import { sessionResponseSchema } from '@parley/server/schemas';
import { sessionCredentials } from '@parley/core';
import type { Credentials, CredentialsProvider } from '@parley/core';
import type { ApiClient } from './api.js';

/**
 * Credentials for talking to `version` of an agent through the relay, as a signed-in admin. A
 * reconnect after a drop asks to resume the conversation (as core's `parleyServerCredentials`
 * does), so the relay replays it and the model keeps its context.
 */
export function playgroundCredentials(
  client: ApiClient,
  agentId: string,
  version: number,
  base: string = location.href,
): CredentialsProvider {
  let last: { conversationId: string; token: string } | null = null;
  return async ({ attempt }): Promise<Credentials> => {
    if (attempt === 0) last = null;
    const session = await client.post(
      `/agents/${encodeURIComponent(agentId)}/playground`,
      { version, ...(last === null ? {} : { resume: last }) },
      sessionResponseSchema,
    );
    last =
      session.mode === 'relay'
        ? { conversationId: session.conversationId, token: session.resumeToken }
        : null;
    return sessionCredentials(session, base);
  };
}
