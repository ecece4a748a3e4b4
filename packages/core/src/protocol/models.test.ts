import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REALTIME_MODEL,
  REALTIME_MODELS,
  findRealtimeModel,
  isModelVariant,
} from './models.js';

describe('the Realtime model catalog', () => {
  it('defaults new agents to gpt-realtime-2.1 and lists it', () => {
    expect(DEFAULT_REALTIME_MODEL).toBe('gpt-realtime-2.1');
    expect(REALTIME_MODELS.map((model) => model.id)).toContain(DEFAULT_REALTIME_MODEL);
  });

  it('resolves dated snapshots and deployments to the model they name, never to a longer name', () => {
    expect(findRealtimeModel('gpt-realtime-2025-08-28')?.id).toBe('gpt-realtime');
    expect(findRealtimeModel('gpt-realtime-mini-2025-12-15')?.id).toBe('gpt-realtime-mini');
    expect(findRealtimeModel('gpt-realtime-2.1-mini')?.id).toBe('gpt-realtime-2.1-mini');
    expect(findRealtimeModel('gpt-realtime-2.1-eu-west')?.id).toBe('gpt-realtime-2.1');
    expect(findRealtimeModel('gpt-4o-realtime-preview-2024-12-17')?.id).toBe(
      'gpt-4o-realtime-preview',
    );
    expect(findRealtimeModel('my-deployment')).toBeNull();
  });

  it('marks the gpt-realtime-2 family as reasoning models and the previews as legacy', () => {
    const reasoning = REALTIME_MODELS.filter((model) => model.reasoning).map((model) => model.id);
    expect(reasoning).toEqual(['gpt-realtime-2.1', 'gpt-realtime-2.1-mini', 'gpt-realtime-2']);
    expect(findRealtimeModel('gpt-4o-realtime-preview')?.legacy).toBe(true);
    expect(isModelVariant('gpt-realtime-2025-08-28', 'gpt-realtime-2')).toBe(false);
  });
});
