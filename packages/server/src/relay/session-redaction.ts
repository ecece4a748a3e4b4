// What the browser sees of the session the upstream echoes (`session.created` / `.updated`).
import type { ServerEventOf } from '@parley/core';

/**
 * The session as the browser sees it: the persona prompt is the business's, not the browser's,
 * and an MCP server's secret headers and authorization never leave the server (the upstream
 * should not echo them; they are taken out here whatever it does).
 */
export function redactSession(
  event: ServerEventOf<'session.created'> | ServerEventOf<'session.updated'>,
): ServerEventOf<'session.created'> | ServerEventOf<'session.updated'> {
  const session = event.session as Record<string, unknown>;
  const redacted: Record<string, unknown> = { ...session };
  if (typeof session.instructions === 'string') redacted.instructions = '';
  if (Array.isArray(session.tools)) redacted.tools = session.tools.map(redactMcpTool);
  return { ...event, session: redacted } as typeof event;
}

/** An MCP tool without `headers` and `authorization`; any other tool as it is. */
function redactMcpTool(tool: unknown): unknown {
  if (!tool || typeof tool !== 'object' || (tool as { type?: unknown }).type !== 'mcp') return tool;
  const {
    headers: _headers,
    authorization: _authorization,
    ...rest
  } = tool as Record<string, unknown>;
  return rest;
}
