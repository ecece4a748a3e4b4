import { agentVersionCreateSchema } from '@parley/server/schemas';
import { describe, expect, it } from 'vitest';
import {
  allowedToolsFrom,
  approvalFor,
  approvalMode,
  formatToolList,
  headersWithoutValue,
  mcpCallParts,
  newMcpServer,
  outcomeBadge,
  parseToolList,
  withHeaderValue,
} from './mcp-servers.js';

describe('the MCP servers form', () => {
  it('adds servers with labels of their own, which the server schema accepts once a URL is set', () => {
    const first = newMcpServer([]);
    const second = newMcpServer([first]);
    const third = newMcpServer([first, second]);
    expect([first.label, second.label, third.label]).toEqual(['mcp', 'mcp-2', 'mcp-3']);
    const config = {
      instructions: 'x',
      mcpServers: [first, second].map((s) => ({ ...s, url: 'https://mcp.example.com/mcp' })),
    };
    expect(agentVersionCreateSchema.safeParse({ config }).success).toBe(true);
    expect(
      agentVersionCreateSchema.safeParse({ config: { instructions: 'x', mcpServers: [first] } })
        .success,
    ).toBe(false);
  });

  it('reads tool lists typed with commas, spaces or lines; empty allowed tools means all', () => {
    expect(parseToolList(' search, book\nsearch  cancel.order ')).toEqual([
      'search',
      'book',
      'cancel.order',
    ]);
    expect(allowedToolsFrom('  ')).toBeNull();
    expect(allowedToolsFrom('a,b')).toEqual(['a', 'b']);
    expect(formatToolList(null)).toBe('');
    expect(formatToolList(['a', 'b'])).toBe('a, b');
  });

  it('maps the approval choices to the policies the server takes', () => {
    expect(approvalMode('never')).toBe('never');
    expect(approvalMode({ always: ['a'], never: [] })).toBe('per-tool');
    expect(approvalFor('per-tool')).toEqual({ always: [], never: [] });
    expect(approvalFor('always')).toBe('always');
  });

  it('keeps a saved header value unless a new one is typed, and never shows one', () => {
    const saved = { name: 'Authorization', set: true as const };
    expect(withHeaderValue(saved, 'Bearer new')).toEqual({
      name: 'Authorization',
      value: 'Bearer new',
      set: true,
    });
    expect(withHeaderValue(withHeaderValue(saved, 'Bearer new'), '')).toEqual(saved);
    expect(withHeaderValue({ name: 'X-Key' }, '')).toEqual({ name: 'X-Key' });
    const server = {
      ...newMcpServer([]),
      url: 'https://mcp.example.com',
      headers: [saved, { name: 'X-Key' }, { name: 'X-New', value: 'v' }],
    };
    expect(headersWithoutValue([server])).toEqual(['mcpServers.0.headers.1.value']);
  });
});

describe('MCP calls on the conversation page', () => {
  it('reads the server and the tool out of a stored MCP call name, and nothing else', () => {
    expect(mcpCallParts('mcp:realty/lookup_opening_hours')).toEqual({
      server: 'realty',
      tool: 'lookup_opening_hours',
    });
    expect(mcpCallParts('capture_lead')).toBeNull();
    expect(outcomeBadge('denied')).toBe('warning');
    expect(outcomeBadge('error')).toBe('danger');
    expect(outcomeBadge('ok')).toBe('success');
  });
});
