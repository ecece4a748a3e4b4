import { describe, expect, it } from 'vitest';
import { agentConfigSchema } from './agent-config.js';
import { maskMcpSecrets, mcpServerSchema } from './mcp-servers.js';

const base = { label: 'docs', url: 'https://mcp.example.com/mcp' };

/** The issues of parsing `server` as an agent's only MCP server, as `path: message` lines. */
function issues(server: unknown, extra: Record<string, unknown> = {}): string[] {
  const result = agentConfigSchema.safeParse({ instructions: 'x', mcpServers: [server], ...extra });
  if (result.success) return [];
  return result.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
}

describe('an agent’s MCP servers', () => {
  it('fills the defaults: all tools, no approval asked, nothing approved, no headers', () => {
    expect(mcpServerSchema.parse(base)).toEqual({
      ...base,
      description: '',
      allowedTools: null,
      requireApproval: 'never',
      approvedTools: [],
      headers: [],
    });
    expect(agentConfigSchema.parse({ instructions: 'x' }).mcpServers).toEqual([]);
  });

  it('takes the approval policies the official types allow', () => {
    for (const requireApproval of ['never', 'always', { always: ['a'], never: ['b.c'] }])
      expect(issues({ ...base, requireApproval })).toEqual([]);
    expect(mcpServerSchema.parse({ ...base, requireApproval: { always: ['a'] } })).toMatchObject({
      requireApproval: { always: ['a'], never: [] },
    });
  });

  it('refuses what would be sent wrong, naming the field', () => {
    expect(issues({ ...base, url: 'ftp://mcp.example.com' })).toEqual([
      'mcpServers.0.url: an http(s) URL',
    ]);
    expect(issues({ ...base, label: 'has space' })[0]).toMatch(/^mcpServers\.0\.label: letters/);
    expect(issues({ ...base, server_url: 'https://x.example' })[0]).toMatch(
      /^mcpServers\.0: Unrecognized key: "server_url"/,
    );
    expect(issues({ ...base, requireApproval: 'sometimes' })[0]).toMatch(
      /^mcpServers\.0\.requireApproval/,
    );
    expect(issues({ ...base, allowedTools: ['no spaces please'] })[0]).toMatch(
      /^mcpServers\.0\.allowedTools\.0: an MCP tool name/,
    );
  });

  it('refuses headers the connection sets, line breaks, and a name twice', () => {
    expect(issues({ ...base, headers: [{ name: 'Host', value: 'x' }] })).toEqual([
      'mcpServers.0.headers.0.name: set by the connection itself',
    ]);
    expect(issues({ ...base, headers: [{ name: 'X-Key', value: 'a\r\nInjected: 1' }] })).toEqual([
      'mcpServers.0.headers.0.value: a single line (no line breaks)',
    ]);
    expect(
      issues({
        ...base,
        headers: [
          { name: 'Authorization', value: 'a' },
          { name: 'authorization', value: 'b' },
        ],
      }),
    ).toEqual(['mcpServers.0.headers: each header name once']);
  });

  it('refuses two servers with one label, and MCP servers on a GPT-Live agent', () => {
    const result = agentConfigSchema.safeParse({ instructions: 'x', mcpServers: [base, base] });
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'mcpServers.1.label',
    ]);
    expect(issues(base, { api: 'live', model: 'gpt-live-1.1' })).toEqual([
      'mcpServers: MCP servers are for Realtime agents; a GPT-Live agent cannot attach them',
    ]);
  });

  it('masks every header value as { name, set: true }, and the masked form parses back', () => {
    const config = agentConfigSchema.parse({
      instructions: 'x',
      mcpServers: [{ ...base, headers: [{ name: 'Authorization', value: 'Bearer s3cret' }] }],
    });
    const masked = maskMcpSecrets(config);
    expect(masked.mcpServers[0]!.headers).toEqual([{ name: 'Authorization', set: true }]);
    expect(JSON.stringify(masked)).not.toContain('s3cret');
    expect(config.mcpServers[0]!.headers[0]!.value).toBe('Bearer s3cret');
    expect(agentConfigSchema.safeParse(masked).success).toBe(true);
  });
});
