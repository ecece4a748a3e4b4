/** Turns a published agent config into the GA Realtime session the upstream is given. */
import type { AgentConfig } from './schemas.js';

/** One function tool as the Realtime API takes it. */
export interface FunctionToolDefinition {
  type: 'function';
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

/** A GA `session` object (the fields Parley sets). */
export interface RealtimeSessionConfig {
  type: 'realtime';
  model?: string;
  instructions: string;
  output_modalities: ['audio'] | ['text'];
  audio: {
    input: {
      format: { type: 'audio/pcm'; rate: 24000 };
      transcription: { model: string; language?: string } | null;
      turn_detection: Record<string, unknown> | null;
    };
    output: { format: { type: 'audio/pcm'; rate: 24000 }; voice: string; speed: number };
  };
  tools: FunctionToolDefinition[];
  tool_choice: 'auto';
}

/** Builds the session config; `tools` are the definitions the model may call. */
export function realtimeSession(
  config: AgentConfig,
  tools: readonly FunctionToolDefinition[],
  options: { includeModel?: boolean } = {},
): RealtimeSessionConfig {
  const detection = config.turnDetection;
  const turnDetection =
    detection === null
      ? null
      : detection.type === 'server_vad'
        ? {
            type: 'server_vad',
            threshold: detection.threshold,
            prefix_padding_ms: detection.prefixPaddingMs,
            silence_duration_ms: detection.silenceDurationMs,
            create_response: true,
            interrupt_response: true,
            ...(detection.idleTimeoutMs === null
              ? {}
              : { idle_timeout_ms: detection.idleTimeoutMs }),
          }
        : {
            type: 'semantic_vad',
            eagerness: detection.eagerness,
            create_response: true,
            interrupt_response: true,
          };
  return {
    type: 'realtime',
    ...(options.includeModel ? { model: config.model } : {}),
    instructions: config.instructions,
    output_modalities: config.outputModality === 'text' ? ['text'] : ['audio'],
    audio: {
      input: {
        format: { type: 'audio/pcm', rate: 24000 },
        transcription:
          config.transcriptionModel === null
            ? null
            : {
                model: config.transcriptionModel,
                ...(config.language ? { language: config.language } : {}),
              },
        turn_detection: turnDetection,
      },
      output: {
        format: { type: 'audio/pcm', rate: 24000 },
        voice: config.voice,
        speed: config.speed,
      },
    },
    tools: [...tools],
    tool_choice: 'auto',
  };
}
