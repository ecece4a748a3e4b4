import { describe, expect, it } from 'vitest';
import type { AgentDetail } from '@parley/server/schemas';
import { duplicateDraft, newAgentConfig, toolsNamedIn } from './new-agent.js';

const builtins = [
  'capture_lead',
  'search_knowledge_base',
  'schedule_call',
  'end_conversation',
  'analyze_property_deal',
];

function detail(): AgentDetail {
  const config = {
    instructions: 'You are Ava. Use search_knowledge_base for facts.',
    tools: ['search_knowledge_base'],
    timeZone: 'Europe/Paris',
    voice: 'marin',
  } as unknown as AgentDetail['versions'][number]['config'];
  return {
    agent: {
      id: 'a1',
      slug: 'clinic',
      name: 'Clinic desk',
      description: 'Front desk',
      publishedVersion: 1,
      latestVersion: 2,
      createdAt: '2026-12-01T00:00:00Z',
      updatedAt: '2026-12-02T00:00:00Z',
    },
    versions: [
      { version: 1, config: { ...config, instructions: 'old' }, note: '', createdAt: '' },
      { version: 2, config, note: '', createdAt: '' },
    ],
    publications: [],
  } as unknown as AgentDetail;
}

describe('toolsNamedIn', () => {
  it('finds tools a prompt names, by name or by their words, in the list order', () => {
    expect(
      toolsNamedIn(
        'Greet callers. Use schedule_call to book, and capture lead details before hanging up.',
        builtins,
      ),
    ).toEqual(['capture_lead', 'schedule_call']);
    expect(toolsNamedIn('When done, End-Conversation politely.', builtins)).toEqual([
      'end_conversation',
    ]);
  });

  it('ignores words that are only part of a longer word or not adjacent', () => {
    expect(toolsNamedIn('We recapture leads? No: capture a lead.', builtins)).toEqual([]);
    expect(toolsNamedIn('', builtins)).toEqual([]);
  });
});

describe('a new agent', () => {
  it('duplicates the latest version as a copy with a distinct name and slug', () => {
    expect(duplicateDraft(detail())).toEqual({
      name: 'Clinic desk (copy)',
      slug: 'clinic-copy',
      description: 'Front desk',
      instructions: 'You are Ava. Use search_knowledge_base for facts.',
    });
  });

  it("keeps the source's settings and tools and adds the tools the prompt names", () => {
    const config = newAgentConfig(
      'You are Ava. Use search_knowledge_base, then schedule_call.',
      detail(),
      builtins,
    );
    expect(config).toMatchObject({
      instructions: 'You are Ava. Use search_knowledge_base, then schedule_call.',
      timeZone: 'Europe/Paris',
      voice: 'marin',
      tools: ['search_knowledge_base', 'schedule_call'],
    });
  });

  it('copies MCP servers without their write-only headers (their values never reach the console)', () => {
    const source = detail();
    const server = {
      label: 'docs',
      url: 'https://mcp.example.com/mcp',
      headers: [{ name: 'Authorization', set: true }],
    };
    source.versions[1]!.config = { ...source.versions[1]!.config, mcpServers: [server] } as never;
    const config = newAgentConfig('You are Ava.', source, builtins);
    expect(config.mcpServers).toEqual([
      { label: 'docs', url: 'https://mcp.example.com/mcp', headers: [] },
    ]);
  });

  it('from a blank prompt, enables only the tools it names', () => {
    expect(newAgentConfig('Book with schedule_call.', null, builtins)).toEqual({
      instructions: 'Book with schedule_call.',
      tools: ['schedule_call'],
    });
  });
});
