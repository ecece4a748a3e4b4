/**
 * The version a public session runs: the published one, or, while the agent runs an
 * experiment, the version the experiment gives this visitor (see assignment.ts). A resumed
 * conversation keeps the version it was given.
 */
import type { PublishedAgent } from '../storage/agents-store.js';
import type { Store } from '../storage/store.js';
import { assignVersion } from './assignment.js';

/** The agent version to serve, and the experiment that chose it (if one did). */
export interface SessionVersion {
  agent: PublishedAgent;
  experiment?: { id: string; version: number };
}

/**
 * Chooses the version for a session of `published` (the agent's published config). `key` is the
 * visitor's id (or client address); `resumeId` the conversation a resume goes on with.
 */
export async function sessionVersion(
  store: Store,
  published: PublishedAgent,
  key: string,
  resumeId?: string,
): Promise<SessionVersion> {
  const experiment = await store.experiments.running(published.agent.id);
  if (!experiment) return { agent: published };
  const earlier = resumeId === undefined ? undefined : await store.experiments.assignment(resumeId);
  const version =
    earlier?.experimentId === experiment.id
      ? earlier.version
      : assignVersion(experiment.id, key, experiment.arms);
  if (version === published.version)
    return { agent: published, experiment: { id: experiment.id, version } };
  const assigned = await store.agents.atVersion(published.agent.id, version);
  // Versions are immutable and the experiment checked them at its start; if one is gone anyway
  // (the agent was deleted mid-request), serve the published one rather than fail the visitor.
  if (!assigned) return { agent: published };
  return { agent: assigned, experiment: { id: experiment.id, version } };
}
