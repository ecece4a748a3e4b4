// Credentials for the playground: a relay ticket for one agent version (published or not) from the
// admin API, fetched again on every connect and reconnect like any Parley credentials provider.
// The mapping from the server's answer to credentials is core's (`sessionCredentials`).
import { sessionResponseSchema } from '@parley/server/schemas';
import { sessionCredentials } from '@parley/core';
import type { Credentials, CredentialsProvider } from '@parley/core';
import type { ApiClient } from './api.js';

/** Credentials for talking to `version` of an agent through the relay, as a signed-in admin. */
export function playgroundCredentials(
  client: ApiClient,
  agentId: string,
  version: number,
  base: string = location.href,
): CredentialsProvider {
  return async (): Promise<Credentials> => {
    const session = await client.post(
      `/agents/${encodeURIComponent(agentId)}/playground`,
      { version },
      sessionResponseSchema,
    );
    return sessionCredentials(session, base);
  };
}
