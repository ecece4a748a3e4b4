// The agent editor's MCP servers: the edits the form makes to `config.mcpServers`, kept out of
// the component so they are unit-tested. Header values are write-only: the server answers
// `{ name, set: true }`, and a header saved back without `value` keeps its saved value.
import type { AgentConfig, McpApproval, McpHeader } from '@parley/server/schemas';

/** One MCP server as the editor holds it. */
export type EditedMcpServer = AgentConfig['mcpServers'][number];

/** The approval choices the form offers (the per-tool one edits the two lists). */
export type ApprovalMode = 'never' | 'always' | 'per-tool';

/** A new server with a label no other server of the agent has (`mcp`, `mcp-2`, …). */
export function newMcpServer(existing: readonly EditedMcpServer[]): EditedMcpServer {
  const labels = new Set(existing.map((server) => server.label));
  let label = 'mcp';
  for (let n = 2; labels.has(label); n += 1) label = `mcp-${n}`;
  return {
    label,
    url: '',
    description: '',
    allowedTools: null,
    requireApproval: 'never',
    approvedTools: [],
    headers: [],
  };
}

/** Tool names typed as a list (commas, spaces or lines between them), duplicates dropped. */
export function parseToolList(text: string): string[] {
  return [...new Set(text.split(/[\s,]+/).filter((name) => name.length > 0))];
}

/** A tool list as the form shows it. */
export function formatToolList(names: readonly string[] | null): string {
  return (names ?? []).join(', ');
}

/** `allowedTools` from the typed text: empty means every tool of the server (null). */
export function allowedToolsFrom(text: string): string[] | null {
  const names = parseToolList(text);
  return names.length === 0 ? null : names;
}

/** Which of the form's approval choices `policy` is. */
export function approvalMode(policy: McpApproval): ApprovalMode {
  return typeof policy === 'string' ? policy : 'per-tool';
}

/** The policy for a newly chosen mode (per tool starts from nothing listed). */
export function approvalFor(mode: ApprovalMode): McpApproval {
  return mode === 'per-tool' ? { always: [], never: [] } : mode;
}

/**
 * A header after its value field was edited: a typed value replaces the saved one; an empty
 * field keeps the saved value (`set: true` stays, no `value` is sent).
 */
export function withHeaderValue(header: McpHeader, typed: string): McpHeader {
  if (typed === '') return header.set ? { name: header.name, set: true } : { name: header.name };
  return { name: header.name, value: typed, ...(header.set ? { set: true as const } : {}) };
}

/** Headers with neither a saved nor a typed value, as `mcpServers.<i>.headers.<j>.value` paths. */
export function headersWithoutValue(servers: readonly EditedMcpServer[]): string[] {
  return servers.flatMap((server, serverIndex) =>
    server.headers.flatMap((header, headerIndex) =>
      header.set || header.value ? [] : [`mcpServers.${serverIndex}.headers.${headerIndex}.value`],
    ),
  );
}

/** A stored tool call's name read back: `mcp:<server>/<tool>` is an MCP server's tool. */
export function mcpCallParts(name: string): { server: string; tool: string } | null {
  const match = /^mcp:([^/]+)\/(.+)$/.exec(name);
  return match ? { server: match[1]!, tool: match[2]! } : null;
}

/** The badge class of a tool call's outcome on the conversation page. */
export function outcomeBadge(outcome: string): 'danger' | 'warning' | 'success' {
  if (outcome === 'error') return 'danger';
  if (outcome === 'denied') return 'warning';
  return 'success';
}
