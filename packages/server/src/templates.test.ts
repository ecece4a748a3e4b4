import { describe, expect, it } from 'vitest';
import { agentConfigSchema, builtinToolNames } from './schemas.js';
import { LIVE_VOICES } from '@parley/core';
import { agentTemplates, liveAgentTemplates } from './templates.js';

describe('template agents', () => {
  it('covers the five use cases of the seeds', () => {
    expect(agentTemplates.map((template) => template.slug)).toEqual([
      'real-estate',
      'healthcare-front-desk',
      'ecommerce-support',
      'financial-services',
      'customer-service',
    ]);
  });

  it.each(agentTemplates.map((template) => [template.slug, template] as const))(
    '%s has a valid config, a persona under 500 words, built-in tools only and documents',
    (_slug, template) => {
      const config = agentConfigSchema.parse(template.config);
      const words = config.instructions.split(/\s+/).filter((word) => word.length > 0).length;
      expect(words).toBeLessThan(500);
      expect(words).toBeGreaterThan(120);
      for (const tool of config.tools) expect(builtinToolNames).toContain(tool);
      expect(config.tools).toContain('end_conversation');
      // Every tool the persona tells the model to call is one it has.
      for (const name of builtinToolNames) {
        if (config.instructions.includes(name)) expect(config.tools).toContain(name);
      }
      expect(template.documents.length).toBeGreaterThan(0);
    },
  );

  it('gives the real-estate agent the deal-analysis tool', () => {
    const realEstate = agentTemplates.find((template) => template.slug === 'real-estate')!;
    expect(realEstate.config.tools).toContain('analyze_property_deal');
  });

  it('offers two templates on GPT-Live too, with a Live model and voice and the same tools', () => {
    expect(liveAgentTemplates.map((template) => template.slug)).toEqual([
      'real-estate-live',
      'ecommerce-support-live',
    ]);
    for (const template of liveAgentTemplates) {
      const config = agentConfigSchema.parse(template.config);
      const realtime = agentTemplates.find((t) => `${t.slug}-live` === template.slug)!;
      expect(config.api).toBe('live');
      expect(config.model).toMatch(/^gpt-live-/);
      expect(LIVE_VOICES).toContain(config.voice);
      expect(config.tools).toEqual(realtime.config.tools);
      expect(template.name).toContain('GPT-Live');
      expect(template.documents).toEqual(realtime.documents);
    }
  });
});
