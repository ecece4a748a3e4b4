import { describe, expect, it } from 'vitest';
import { agentVersionCreateSchema, toolInputSchema } from '@parley/server/schemas';
import { errorsUnder, issuesToErrors, validate } from './form.js';

describe('form validation with the server schemas', () => {
  it('returns parsed data with defaults when the values are valid', () => {
    const result = validate(agentVersionCreateSchema, { config: { instructions: 'Be brief.' } });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.data.config.voice).toBe('marin');
  });

  it('keys field errors by dotted path', () => {
    const result = validate(agentVersionCreateSchema, {
      config: { instructions: '', turnDetection: { type: 'server_vad', silenceDurationMs: 50 } },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(Object.keys(result.errors)).toEqual(
        expect.arrayContaining(['config.instructions', 'config.turnDetection.silenceDurationMs']),
      );
      expect(errorsUnder(result.errors, 'config.turnDetection.')).toHaveProperty(
        'silenceDurationMs',
      );
    }
  });

  it('words the common errors plainly', () => {
    const result = validate(agentVersionCreateSchema, {
      config: { instructions: '', notifyEmail: 'nope', maxSessionSeconds: 5 },
    });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.errors['config.instructions']).toBe('Required');
      expect(result.errors['config.notifyEmail']).toMatch(/email address/);
      expect(result.errors['config.maxSessionSeconds']).toBe('Must be at least 30');
    }
  });

  it('shows a webhook URL error for a non-http URL', () => {
    const result = validate(toolInputSchema, { kind: 'webhook', name: 'lookup', url: 'ftp://x' });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.url).toBeTruthy();
  });

  it('maps the API issues the same way, first message per field', () => {
    expect(
      issuesToErrors([
        { path: ['name'], message: 'too short' },
        { path: ['name'], message: 'second' },
        { path: [], message: 'form-level' },
      ]),
    ).toEqual({ name: 'too short', '': 'form-level' });
  });
});
