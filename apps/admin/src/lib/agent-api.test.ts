import { describe, expect, it } from 'vitest';
import { agentConfigSchema, agentVersionCreateSchema } from '@parley/server/schemas';
import { modelsFor, priceLine, switchApi, voicesFor } from './agent-api.js';
import { errorsUnder, validate } from './form.js';

const realtime = agentConfigSchema.parse({ instructions: 'You are Ava.', voice: 'cedar' });

describe('switching an agent between the Realtime API and GPT-Live', () => {
  it('puts a Live model on a Realtime agent switched to Live, keeps a voice Live has, and the result saves', () => {
    const live = switchApi(realtime, 'live');
    expect(live).toMatchObject({ api: 'live', model: 'gpt-live-1.1', voice: 'cedar' });
    expect(live.instructions).toBe('You are Ava.');
    expect(validate(agentVersionCreateSchema, { config: live }).ok).toBe(true);
  });

  it('replaces a voice the other API does not have by its default, and switching back restores a Realtime model', () => {
    const live = switchApi({ ...realtime, voice: 'shimmer' }, 'live');
    expect(voicesFor('live')).toContain(live.voice);
    const withLiveVoice = switchApi({ ...realtime, voice: 'shida' }, 'live');
    const back = switchApi(withLiveVoice, 'realtime');
    expect(back.api).toBe('realtime');
    expect(back.model).toBe(realtime.model);
    expect(voicesFor('realtime')).toContain(back.voice);
    expect(back.voice).toBe('marin');
  });

  it('keeps the Live settings when switching back and forth', () => {
    const live = switchApi(realtime, 'live');
    const edited = {
      ...live,
      live: { ...live.live, delegation: 'client' as const, hostedTools: ['web_search' as const] },
    };
    const again = switchApi(switchApi(edited, 'realtime'), 'live');
    expect(again.live).toEqual(edited.live);
  });

  it('leaves the config as it is when the API does not change', () => {
    expect(switchApi(realtime, 'realtime')).toBe(realtime);
  });

  it('offers each API its own models', () => {
    expect(modelsFor('live')).toEqual(['gpt-live-1.1', 'gpt-live-1']);
    expect(modelsFor('realtime')).toContain('gpt-realtime-2.1');
    expect(modelsFor('realtime').some((model) => model.startsWith('gpt-live'))).toBe(false);
  });
});

describe('the price line under the model picker', () => {
  it('states a Live model per second: active and standby minutes', () => {
    expect(priceLine('gpt-live-1.1')).toBe(
      "Billed by the second: $0.05 per active minute, $0.02 per standby minute (the backend model's tokens at its own price).",
    );
  });

  it('states a Realtime model per token, and says when a model has no known price', () => {
    expect(priceLine('gpt-realtime-2.1')).toMatch(/^Per 1M tokens: audio \$32\.00 in/);
    expect(priceLine('my-azure-deployment')).toMatch(/^No list price known/);
  });
});

describe('validating the Live settings as the editor does', () => {
  it('points at the model when it does not belong to the API', () => {
    const checked = validate(agentVersionCreateSchema, {
      config: { ...realtime, api: 'live' },
    });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(errorsUnder(checked.errors, 'config.').model).toMatch(/GPT-Live model/);
  });

  it('points at an empty backend model, an unknown delegation mode and an unknown hosted tool', () => {
    const live = switchApi(realtime, 'live');
    const checked = validate(agentVersionCreateSchema, {
      config: {
        ...live,
        live: {
          ...live.live,
          backendModel: '',
          delegation: 'sideways',
          hostedTools: ['file_search'],
        },
      },
    });
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    const errors = errorsUnder(checked.errors, 'config.');
    expect(errors['live.backendModel']).toBe('Required');
    expect(errors['live.delegation']).toBeDefined();
    expect(errors['live.hostedTools.0']).toBeDefined();
  });
});
