import { describe, expect, it } from 'vitest';
import { mcpServerSchema } from '../schemas.js';
import { mcpTool } from '../session-config.js';
import { mcpApprovalAnswer } from './mcp-calls.js';
import { redactSession } from './session-redaction.js';

const server = mcpServerSchema.parse({
  label: 'docs',
  url: 'https://mcp.example.com/mcp',
  allowedTools: ['search', 'book'],
  requireApproval: { always: ['book'] },
  approvedTools: ['book'],
  headers: [{ name: 'Authorization', value: 'Bearer test-header-value' }],
});

describe('MCP on the relay', () => {
  it('gives the upstream the server with its headers, in the official shape', () => {
    expect(mcpTool(server)).toEqual({
      type: 'mcp',
      server_label: 'docs',
      server_url: 'https://mcp.example.com/mcp',
      allowed_tools: ['search', 'book'],
      require_approval: { always: { tool_names: ['book'] } },
      headers: { Authorization: 'Bearer test-header-value' },
    });
    expect(
      mcpTool({ ...server, allowedTools: null, requireApproval: 'always', headers: [] }),
    ).toEqual({
      type: 'mcp',
      server_label: 'docs',
      server_url: 'https://mcp.example.com/mcp',
      require_approval: 'always',
    });
  });

  it('approves only the tools on the approved list of that server', () => {
    const ask = (label: string, name: string) =>
      mcpApprovalAnswer([server], { id: 'mcpr_1', server_label: label, name });
    expect(ask('docs', 'book')).toEqual({
      type: 'mcp_approval_response',
      approval_request_id: 'mcpr_1',
      approve: true,
    });
    expect(ask('docs', 'search')).toMatchObject({ approve: false, reason: expect.any(String) });
    expect(ask('other', 'book')).toMatchObject({ approve: false });
  });

  it('takes the headers and authorization out of the session the browser sees', () => {
    const event = {
      type: 'session.updated' as const,
      event_id: 'evt_1',
      session: {
        type: 'realtime' as const,
        instructions: 'persona',
        tools: [
          { type: 'function' as const, name: 'f', headers: 'kept: not an MCP tool' },
          { ...mcpTool(server), authorization: 'oauth-token' },
        ],
      },
    };
    const redacted = redactSession(event);
    const text = JSON.stringify(redacted);
    expect(text).not.toContain('test-header-value');
    expect(text).not.toContain('oauth-token');
    expect(text).not.toContain('persona');
    expect((redacted.session as { tools: unknown[] }).tools).toEqual([
      event.session.tools[0],
      expect.objectContaining({
        type: 'mcp',
        server_label: 'docs',
        allowed_tools: ['search', 'book'],
      }),
    ]);
    // The event the relay received is left as it was.
    expect(JSON.stringify(event)).toContain('test-header-value');
  });
});
