// Creating an agent: from a blank prompt or as a copy of an existing one (the seeded templates
// are agents too), with the tools its prompt names switched on.
import type { AgentConfig, AgentDetail } from '@parley/server/schemas';

/**
 * The tools among `available` that `instructions` names, by their name (`capture_lead`) or the
 * name's words (`capture lead`, `capture a lead` does not count: the words must be adjacent), in
 * `available`'s order. A prompt that says "use schedule_call to book" gets `schedule_call`.
 */
export function toolsNamedIn(instructions: string, available: readonly string[]): string[] {
  const text = instructions.toLowerCase();
  return available.filter((name) => {
    const words = name
      .toLowerCase()
      .split(/[_\s-]+/)
      .filter(Boolean);
    if (words.length === 0) return false;
    const pattern = new RegExp(`(^|[^a-z0-9])${words.join('[_\\s-]+')}($|[^a-z0-9])`);
    return pattern.test(text);
  });
}

/** The fields of a new agent's form. */
export interface NewAgentDraft {
  name: string;
  slug: string;
  description: string;
  instructions: string;
}

/** The form's fields to duplicate `source`: its latest version's prompt, name and slug marked as a copy. */
export function duplicateDraft(source: AgentDetail): NewAgentDraft {
  const config = latestConfig(source);
  return {
    name: `${source.agent.name} (copy)`.slice(0, 120),
    slug: `${source.agent.slug}-copy`.slice(0, 63),
    description: source.agent.description,
    instructions: config?.instructions ?? '',
  };
}

/** The configuration of `source`'s latest version (what its editor shows), or null. */
export function latestConfig(source: AgentDetail): AgentConfig | null {
  return (
    source.versions.find((version) => version.version === source.agent.latestVersion)?.config ??
    null
  );
}

/**
 * The configuration to create: a copy of the source's latest version (voice, turn-taking, tools,
 * delivery, time zone, MCP servers without their secret headers) with the form's prompt, or only
 * the prompt; either way with the tools the prompt names switched on as well.
 */
export function newAgentConfig(
  instructions: string,
  source: AgentDetail | null,
  available: readonly string[],
): Partial<AgentConfig> & { instructions: string } {
  const base = source ? latestConfig(source) : null;
  const named = toolsNamedIn(instructions, available);
  const tools = [...(base?.tools ?? [])];
  for (const name of named) if (!tools.includes(name)) tools.push(name);
  if (!base?.mcpServers) return { ...(base ?? {}), instructions, tools };
  // MCP header values are write-only (the copy only has `{ name, set: true }`): the copy keeps
  // the servers without their secret headers, to be entered again in its Tools tab.
  const mcpServers = base.mcpServers.map((server) => ({
    ...server,
    headers: server.headers.filter((header) => header.value !== undefined),
  }));
  return { ...base, instructions, tools, mcpServers };
}
