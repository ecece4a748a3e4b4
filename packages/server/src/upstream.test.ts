import { describe, expect, it } from 'vitest';
import { agentConfigSchema } from './schemas.js';
import { realtimeSession } from './session-config.js';
import { createUpstream, upstreamFromEnv } from './upstream.js';

describe('upstream selection', () => {
  it('prefers OpenAI when a key is set, then Azure, else the emulator', () => {
    expect(
      upstreamFromEnv({ OPENAI_API_KEY: 'sk-1', OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' }),
    ).toEqual({
      kind: 'openai',
      apiKey: 'sk-1',
      baseUrl: 'http://127.0.0.1:9/v1',
    });
    const azure = {
      AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com',
      AZURE_OPENAI_API_KEY: 'k',
      AZURE_OPENAI_DEPLOYMENT: 'rt',
    };
    expect(upstreamFromEnv(azure).kind).toBe('azure');
    expect(upstreamFromEnv({ AZURE_OPENAI_ENDPOINT: 'https://r.openai.azure.com' }).kind).toBe(
      'emulator',
    );
    expect(upstreamFromEnv({}).kind).toBe('emulator');
  });

  it('builds GA WebSocket URLs and keeps the key in headers only', async () => {
    const openai = await createUpstream({
      kind: 'openai',
      apiKey: 'sk-secret',
      baseUrl: 'https://gateway.example/v1/',
    });
    expect(openai.realtimeUrl('gpt-realtime')).toBe(
      'wss://gateway.example/v1/realtime?model=gpt-realtime',
    );
    expect(openai.headers()).toEqual({ authorization: 'Bearer sk-secret' });
    expect(openai.description).not.toContain('sk-secret');
    const azure = await createUpstream({
      kind: 'azure',
      endpoint: 'https://res.openai.azure.com/',
      apiKey: 'az',
      deployment: 'my-rt',
    });
    expect(azure.realtimeUrl('ignored')).toBe(
      'wss://res.openai.azure.com/openai/v1/realtime?model=my-rt',
    );
    expect(azure.headers()).toEqual({ 'api-key': 'az' });
    expect(azure.createClientSecret).toBeUndefined();
    const emulator = await createUpstream({
      kind: 'emulator',
      url: 'ws://127.0.0.1:7000/v1/realtime',
    });
    expect(emulator.realtimeUrl('gpt-realtime')).toBe(
      'ws://127.0.0.1:7000/v1/realtime?model=gpt-realtime',
    );
  });
});

describe('session config from an agent', () => {
  it('maps the agent config to the GA session shape', () => {
    const config = agentConfigSchema.parse({
      instructions: 'Be brief.',
      voice: 'cedar',
      language: 'fr',
      turnDetection: {
        type: 'server_vad',
        threshold: 0.6,
        silenceDurationMs: 700,
        idleTimeoutMs: 8000,
      },
    });
    const session = realtimeSession(config, [
      { type: 'function', name: 'f', description: '', parameters: {} },
    ]);
    expect(session).toMatchObject({
      type: 'realtime',
      instructions: 'Be brief.',
      output_modalities: ['audio'],
      audio: {
        input: {
          format: { type: 'audio/pcm', rate: 24000 },
          transcription: { model: 'gpt-4o-mini-transcribe', language: 'fr' },
          turn_detection: {
            type: 'server_vad',
            threshold: 0.6,
            silence_duration_ms: 700,
            idle_timeout_ms: 8000,
            create_response: true,
            interrupt_response: true,
          },
        },
        output: { voice: 'cedar', speed: 1 },
      },
      tools: [{ name: 'f' }],
    });
    expect(session.model).toBeUndefined();
    expect(
      realtimeSession({ ...config, turnDetection: null }, [], { includeModel: true }),
    ).toMatchObject({
      // The agent was created without a model: the default for new agents.
      model: 'gpt-realtime-2.1',
      audio: { input: { turn_detection: null } },
    });
  });

  it('sends reasoning effort and parallel tool calls only when the agent sets them', () => {
    const config = agentConfigSchema.parse({ instructions: 'Be brief.' });
    expect(config).toMatchObject({ reasoningEffort: null, parallelToolCalls: null });
    const plain = realtimeSession(config, []);
    expect(plain).not.toHaveProperty('reasoning');
    expect(plain).not.toHaveProperty('parallel_tool_calls');
    const tuned = realtimeSession(
      agentConfigSchema.parse({
        instructions: 'Be brief.',
        reasoningEffort: 'xhigh',
        parallelToolCalls: false,
      }),
      [],
    );
    expect(tuned).toMatchObject({ reasoning: { effort: 'xhigh' }, parallel_tool_calls: false });
    expect(
      agentConfigSchema.safeParse({ instructions: 'x', reasoningEffort: 'extreme' }).success,
    ).toBe(false);
  });
});
