/**
 * The part of an agent's session a WebRTC browser must not change. The browser holds a data
 * channel straight to the upstream and may send `session.update` on it; the server cannot stop
 * that event, but it sees the `session.updated` that follows on its sideband, compares the locked
 * fields with the published ones, and sends them again when they differ.
 */
import type { SessionConfig } from '@parley/core';

/** The fields the server re-asserts: the persona prompt, the tools and the tool choice. */
export type LockedFields = Pick<SessionConfig, 'type' | 'instructions' | 'tools' | 'tool_choice'>;

/** The `session` of the `session.update` that puts the locked fields back. */
export function lockedFieldsOf(session: SessionConfig): LockedFields {
  return {
    type: 'realtime',
    instructions: session.instructions ?? '',
    tools: session.tools ?? [],
    ...(session.tool_choice === undefined ? {} : { tool_choice: session.tool_choice }),
  };
}

/**
 * A tool as compared: its kind and name (an MCP server's label) and description. Parameters are
 * left out: the upstream may normalise a JSON Schema, and a server tool validates its arguments
 * against its own schema whatever the model was shown.
 */
function toolKey(tool: unknown): string {
  if (!tool || typeof tool !== 'object') return JSON.stringify(tool);
  const { type, name, server_label: label, description } = tool as Record<string, unknown>;
  return JSON.stringify([type ?? 'function', name ?? label ?? null, description ?? null]);
}

function toolKeys(tools: unknown): string[] {
  return Array.isArray(tools) ? tools.map(toolKey).sort() : [];
}

/**
 * The locked fields that `seen` (a `session.updated` session) holds differently from
 * `published`: empty when the session is as published.
 */
export function configDrift(published: LockedFields, seen: unknown): string[] {
  const session = (seen && typeof seen === 'object' ? seen : {}) as Record<string, unknown>;
  const drift: string[] = [];
  if (session.instructions !== published.instructions) drift.push('instructions');
  const expected = toolKeys(published.tools);
  const actual = toolKeys(session.tools);
  if (expected.length !== actual.length || expected.some((key, index) => key !== actual[index]))
    drift.push('tools');
  if (
    published.tool_choice !== undefined &&
    JSON.stringify(session.tool_choice) !== JSON.stringify(published.tool_choice)
  )
    drift.push('tool_choice');
  return drift;
}
