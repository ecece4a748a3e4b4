/**
 * Turns a published agent config into the GA Realtime session the upstream is given, in core's
 * wire types (`SessionConfig`, `Tool`).
 */
import type { McpTool, SessionConfig, Tool, TurnDetection } from '@parley/core';
import type { AgentConfig, McpServerConfig } from './schemas.js';

/**
 * What the model is told to say first when an agent has a greeting: its exact words, asked for
 * once the conversation runs (a Realtime `response.create`'s instructions, a GPT-Live
 * `session.instructions.append`), relayed or over WebRTC alike.
 */
export function greetingInstructions(greeting: string): string {
  return `Greet the visitor by saying exactly this, and nothing else: "${greeting}"`;
}

/**
 * The line that tells the model when and where "now" is, in the agent's time zone (the server's
 * when the agent has none): `Current date and time: 2026-12-06T13:05:00-05:00 (America/New_York)`.
 * Without it a model cannot turn "tomorrow at 3 pm" into the future ISO time `schedule_call`
 * needs; the emulator reads the same line, so its dates are reproducible.
 */
export function currentTimeLine(now: Date, timeZone: string | null): string {
  const zone = timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(now)
      .map((part) => [part.type, part.value]),
  ) as Record<string, string>;
  const local = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
  const offset = Math.round(
    (Date.parse(`${local}Z`) - Math.floor(now.getTime() / 1000) * 1000) / 60_000,
  );
  const absolute = Math.abs(offset);
  const sign = offset < 0 ? '-' : '+';
  const hours = String(Math.floor(absolute / 60)).padStart(2, '0');
  const minutes = String(absolute % 60).padStart(2, '0');
  return `Current date and time: ${local}${sign}${hours}:${minutes} (${zone})`;
}

/** An agent's MCP server as the upstream is given it, secret headers included (server-side only). */
export function mcpTool(server: McpServerConfig): McpTool {
  const approval = server.requireApproval;
  const headers = Object.fromEntries(
    server.headers.flatMap((header) =>
      header.value === undefined ? [] : [[header.name, header.value]],
    ),
  );
  return {
    type: 'mcp',
    server_label: server.label,
    server_url: server.url,
    ...(server.description === '' ? {} : { server_description: server.description }),
    ...(server.allowedTools === null ? {} : { allowed_tools: server.allowedTools }),
    require_approval:
      typeof approval === 'string'
        ? approval
        : {
            ...(approval.always.length > 0 ? { always: { tool_names: approval.always } } : {}),
            ...(approval.never.length > 0 ? { never: { tool_names: approval.never } } : {}),
          },
    ...(Object.keys(headers).length === 0 ? {} : { headers }),
  };
}

/**
 * Builds the session config; `tools` are the definitions the model may call. With `now`, the
 * instructions end with the {@link currentTimeLine}.
 */
export function realtimeSession(
  config: AgentConfig,
  tools: readonly Tool[],
  options: { includeModel?: boolean; now?: Date } = {},
): SessionConfig {
  const detection = config.turnDetection;
  const turnDetection: TurnDetection | null =
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
    instructions:
      options.now === undefined
        ? config.instructions
        : `${config.instructions}\n\n${currentTimeLine(options.now, config.timeZone)}`,
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
    tools: [...tools, ...config.mcpServers.map(mcpTool)],
    tool_choice: 'auto',
    ...(config.reasoningEffort === null ? {} : { reasoning: { effort: config.reasoningEffort } }),
    ...(config.parallelToolCalls === null ? {} : { parallel_tool_calls: config.parallelToolCalls }),
  };
}
