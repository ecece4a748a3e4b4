// The agents a visitor can talk to, from the Parley server's public `GET /api/agents`.

/** A published agent as `GET /api/agents` lists it. */
export interface PublicAgent {
  id: string;
  slug: string;
  name: string;
  description: string;
  /**
   * How the agent hears the end of a turn; `manual`: only push-to-talk is answered. Absent from
   * servers that predate it (then voice activity is assumed).
   */
  turnDetection?: 'server_vad' | 'semantic_vad' | 'manual';
  /** What to tell visitors when the agent records conversations; null or absent when it does not. */
  recordingNotice?: string | null;
  /** The agent's API (absent from older servers: Realtime). */
  api?: 'realtime' | 'live';
}

/** Why the agent list could not be loaded, worded for the visitor. */
export class AgentListError extends Error {
  override readonly name = 'AgentListError';
  constructor(
    message: string,
    /** `unreachable`: no answer (server down, offline); `server`: an error status; `invalid`: an answer we cannot read. */
    readonly kind: 'unreachable' | 'server' | 'invalid',
  ) {
    super(message);
  }
}

function isPublicAgent(value: unknown): value is PublicAgent {
  if (value === null || typeof value !== 'object') return false;
  const agent = value as Record<string, unknown>;
  return (
    typeof agent.id === 'string' &&
    typeof agent.slug === 'string' &&
    typeof agent.name === 'string' &&
    typeof agent.description === 'string' &&
    (agent.turnDetection === undefined ||
      agent.turnDetection === 'server_vad' ||
      agent.turnDetection === 'semantic_vad' ||
      agent.turnDetection === 'manual') &&
    (agent.api === undefined || agent.api === 'realtime' || agent.api === 'live') &&
    (agent.recordingNotice === undefined ||
      agent.recordingNotice === null ||
      typeof agent.recordingNotice === 'string')
  );
}

/** Loads the published agents. Rejects with an {@link AgentListError}. */
export async function fetchAgents(
  baseUrl: string,
  fetchImpl: typeof fetch = fetch,
  signal?: AbortSignal,
): Promise<PublicAgent[]> {
  let response: Response;
  try {
    response = await fetchImpl(new URL('/api/agents', baseUrl), {
      headers: { accept: 'application/json' },
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new AgentListError('The Parley server cannot be reached.', 'unreachable');
  }
  if (!response.ok) {
    // A dev proxy answers 502/504 when the server behind it is down.
    const kind =
      response.status === 502 || response.status === 503 || response.status === 504
        ? 'unreachable'
        : 'server';
    throw new AgentListError(
      kind === 'unreachable'
        ? 'The Parley server cannot be reached.'
        : `The Parley server answered ${response.status} when listing agents.`,
      kind,
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new AgentListError('The agent list from the server is not JSON.', 'invalid');
  }
  const agents = (body as { agents?: unknown } | null)?.agents;
  if (!Array.isArray(agents))
    throw new AgentListError('The agent list from the server has no `agents`.', 'invalid');
  return agents.filter(isPublicAgent);
}
