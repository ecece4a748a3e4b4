import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  agentConfigSchema,
  agentCreateSchema,
  sessionResponseSchema,
  toolInputSchema,
} from './schemas.js';

describe('admin API schemas', () => {
  it('fills an agent config with defaults from just the instructions', () => {
    const config = agentConfigSchema.parse({ instructions: 'Be brief.' });
    expect(config).toMatchObject({
      model: 'gpt-realtime-2.1',
      voice: 'marin',
      outputModality: 'audio',
      turnDetection: { type: 'server_vad', silenceDurationMs: 500 },
      tools: [],
      allowDirect: false,
    });
  });

  it('reports every invalid field of an agent with its path', () => {
    const result = agentCreateSchema.safeParse({
      slug: 'Not A Slug',
      name: '',
      config: { instructions: '', notifyEmail: 'nope', tools: ['bad name!'] },
    });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'slug',
        'name',
        'config.instructions',
        'config.notifyEmail',
        'config.tools.0',
      ]),
    );
  });

  it('accepts only http(s) webhook URLs', () => {
    const base = { name: 'hook', kind: 'webhook' as const };
    expect(toolInputSchema.safeParse({ ...base, url: 'https://example.com/x' }).success).toBe(true);
    expect(toolInputSchema.safeParse({ ...base, url: 'file:///etc/passwd' }).success).toBe(false);
  });

  it('tells relay and direct session answers apart by mode', () => {
    const relay = sessionResponseSchema.parse({
      mode: 'relay',
      url: 'ws://x',
      ticket: 't',
      expiresAt: 'e',
      conversationId: 'c',
      resumeToken: 'r',
      resumed: false,
    });
    expect(relay.mode).toBe('relay');
    expect(sessionResponseSchema.safeParse({ mode: 'direct', url: 'wss://x' }).success).toBe(false);
  });

  it('stays browser-safe: the modules import nothing but zod, the browser entry of core and each other', () => {
    const entry = readFileSync(new URL('./schemas.ts', import.meta.url), 'utf8');
    const reexports = [...entry.matchAll(/^export \* from '([^']+)';$/gm)].map((m) => m[1]!);
    expect(reexports.length).toBeGreaterThan(5);
    const imported = new Set<string>();
    for (const path of reexports) {
      expect(path).toMatch(/^\.\/schemas\/[a-z-]+\.js$/);
      const source = readFileSync(new URL(path.replace(/\.js$/, '.ts'), import.meta.url), 'utf8');
      for (const m of source.matchAll(/^import (?:type )?[^;]* from '([^']+)';$/gm)) {
        if (!m[1]!.startsWith('./')) imported.add(m[1]!);
      }
    }
    // `@parley/core` (not `/schemas`) is the browser package: the model and voice lists come from it.
    expect([...imported].sort()).toEqual(['@parley/core', 'zod']);
  });

  it('stores the voice API with the agent: a GPT-Live model goes with api "live", any other with "realtime"', () => {
    const live = agentConfigSchema.parse({ instructions: 'x', api: 'live', model: 'gpt-live-1.1' });
    expect(live.live).toEqual({
      delegation: 'responses',
      backendModel: 'gpt-5.6-terra',
      backendInstructions: null,
      hostedTools: [],
    });
    expect(agentConfigSchema.parse({ instructions: 'x' }).api).toBe('realtime');
    const mismatched = agentConfigSchema.safeParse({
      instructions: 'x',
      api: 'live',
      model: 'gpt-realtime',
    });
    expect(mismatched.success).toBe(false);
    expect(mismatched.error?.issues[0]?.path).toEqual(['model']);
    expect(agentConfigSchema.safeParse({ instructions: 'x', model: 'gpt-live-1' }).success).toBe(
      false,
    );
  });
});
