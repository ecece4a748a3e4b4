import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { betaSessionPatchToGa, sessionToBeta } from './dialect.js';
import { applySessionPatch, createDefaultSession, deepMerge } from './session-config.js';

const base = () => createDefaultSession({ id: 'sess_x', model: 'gpt-realtime', expiresAt: 1 });
const apply = (patch: unknown, hasAssistantAudio = false) =>
  applySessionPatch(base(), patch, { hasAssistantAudio });

describe('session.update', () => {
  it('replaces the audio format whole: G.711 carries no stale 24 kHz rate', () => {
    for (const type of ['audio/pcmu', 'audio/pcma'] as const) {
      const result = apply({
        type: 'realtime',
        audio: { input: { format: { type } }, output: { format: { type } } },
      });
      expect(result.ok && result.session.audio.input.format).toEqual({ type });
      expect(result.ok && result.session.audio.output.format).toEqual({ type });
    }
  });

  it('refuses the beta session temperature on GA, and takes it from beta', () => {
    const result = apply({ type: 'realtime', temperature: 0.7 });
    expect(!result.ok && result.error).toMatchObject({
      code: 'unknown_parameter',
      message: "Unknown parameter: 'session.temperature'.",
      param: 'session.temperature',
    });
    const beta = applySessionPatch(
      base(),
      { type: 'realtime', temperature: 0.7 },
      { hasAssistantAudio: false, dialect: 'beta' },
    );
    expect(beta.ok && beta.session.temperature).toBe(0.7);
  });

  it('accepts reasoning effort, parallel_tool_calls and noise reduction strength, as the official types allow', () => {
    const result = apply({
      type: 'realtime',
      reasoning: { effort: 'xhigh' },
      parallel_tool_calls: false,
      audio: { input: { noise_reduction: { type: 'near_field', strength: 0.5 } } },
    });
    expect(result.ok).toBe(true);
    expect(result.ok && result.session).toMatchObject({
      reasoning: { effort: 'xhigh' },
      parallel_tool_calls: false,
      audio: { input: { noise_reduction: { type: 'near_field', strength: 0.5 } } },
    });
    const refused = apply({ type: 'realtime', reasoning: { effort: 'extreme' } });
    expect(!refused.ok && refused.error.param).toBe('session.reasoning.effort');
  });

  it('deep-merges only the fields present', () => {
    const result = apply({
      type: 'realtime',
      audio: { input: { turn_detection: { type: 'server_vad', silence_duration_ms: 700 } } },
    });
    expect(result.ok && result.session.audio.input.turn_detection).toEqual({
      type: 'server_vad',
      threshold: 0.5,
      prefix_padding_ms: 300,
      silence_duration_ms: 700,
      idle_timeout_ms: null,
      create_response: true,
      interrupt_response: true,
    });
    expect(result.ok && result.session.audio.output.voice).toBe('alloy');
  });

  it('turns features off with null and replaces arrays', () => {
    const result = apply({
      type: 'realtime',
      tools: [],
      audio: { input: { turn_detection: null, transcription: null } },
    });
    expect(result.ok && result.session.audio.input.turn_detection).toBeNull();
    expect(result.ok && result.session.tools).toEqual([]);
  });

  it.each([
    [{ instructions: 'x' }, 'missing_required_parameter', 'session.type'],
    [{ type: 'realtime', colour: 'red' }, 'unknown_parameter', 'session.colour'],
    [{ type: 'realtime', instructions: 5 }, 'invalid_type', 'session.instructions'],
    [
      { type: 'realtime', output_modalities: ['video'] },
      'invalid_value',
      'session.output_modalities[0]',
    ],
    [
      { type: 'realtime', output_modalities: ['audio', 'text'] },
      'array_above_max_length',
      'session.output_modalities',
    ],
    [
      {
        type: 'realtime',
        audio: { input: { turn_detection: { type: 'server_vad', threshold: 1.5 } } },
      },
      'decimal_above_max_value',
      'session.audio.input.turn_detection.threshold',
    ],
    [
      { type: 'realtime', audio: { output: { speed: 0.1 } } },
      'decimal_below_min_value',
      'session.audio.output.speed',
    ],
    [{ type: 'realtime', model: 'gpt-4o-realtime-preview' }, 'invalid_value', 'session.model'],
  ])('rejects %j with %s', (patch, code, param) => {
    const result = apply(patch);
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect({ code: result.error.code, param: result.error.param }).toEqual({ code, param });
  });

  it('locks the voice once assistant audio exists, rejecting the whole update', () => {
    const result = apply(
      { type: 'realtime', instructions: 'new', audio: { output: { voice: 'cedar' } } },
      true,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('cannot_update_voice');
    expect(apply({ type: 'realtime', audio: { output: { voice: 'alloy' } } }, true).ok).toBe(true);
  });

  it('keeps a __proto__ key from JSON as data and pollutes no prototype', () => {
    const patch = JSON.parse('{"__proto__":{"polluted":true},"voice":"verse"}') as unknown;
    const merged = deepMerge({ voice: 'alloy' }, patch) as Record<string, unknown>;
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect(Object.hasOwn(merged, '__proto__')).toBe(true);
    expect(merged.voice).toBe('verse');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('merges objects key by key and replaces everything else', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.jsonValue()),
        fc.dictionary(fc.string(), fc.jsonValue()),
        (a, b) => {
          const merged = deepMerge(a, b) as Record<string, unknown>;
          for (const [key, value] of Object.entries(b)) {
            if (
              value === null ||
              typeof value !== 'object' ||
              Array.isArray(value) ||
              typeof a[key] !== 'object' ||
              a[key] === null ||
              Array.isArray(a[key])
            ) {
              expect(merged[key]).toEqual(value);
            }
          }
          for (const key of Object.keys(a)) expect(key in merged).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('beta session translation', () => {
  it('maps the flat beta fields onto the GA session and back', () => {
    const patch = betaSessionPatchToGa(
      {
        modalities: ['text'],
        voice: 'verse',
        input_audio_format: 'g711_alaw',
        turn_detection: null,
        max_response_output_tokens: 200,
        input_audio_transcription: { model: 'whisper-1' },
      },
      base(),
    );
    const result = applySessionPatch(base(), patch, { hasAssistantAudio: false });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(sessionToBeta(result.session)).toMatchObject({
      modalities: ['text'],
      voice: 'verse',
      input_audio_format: 'g711_alaw',
      output_audio_format: 'pcm16',
      turn_detection: null,
      max_response_output_tokens: 200,
      input_audio_transcription: { model: 'whisper-1' },
    });
  });

  it('rejects unknown beta fields and bad format names', () => {
    expect(() => betaSessionPatchToGa({ audio: {} }, base())).toThrow(
      "Unknown parameter: 'session.audio'.",
    );
    expect(() => betaSessionPatchToGa({ input_audio_format: 'mp3' }, base())).toThrow(
      /Supported values are: 'pcm16', 'g711_ulaw', and 'g711_alaw'/,
    );
  });
});
