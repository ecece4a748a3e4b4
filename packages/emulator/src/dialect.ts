import { EmulatorProtocolError, describeJsonType, invalidValue } from './errors.js';
import type { AudioFormat, SessionState } from './session-config.js';

/** Which wire shape a connection speaks. */
export type Dialect = 'ga' | 'beta';

type Json = Record<string, unknown>;

const BETA_FORMATS: Record<string, AudioFormat> = {
  pcm16: { type: 'audio/pcm', rate: 24000 },
  g711_ulaw: { type: 'audio/pcmu' },
  g711_alaw: { type: 'audio/pcma' },
};

/** GA audio format → the beta name. */
export function formatToBeta(format: AudioFormat): string {
  return format.type === 'audio/pcmu'
    ? 'g711_ulaw'
    : format.type === 'audio/pcma'
      ? 'g711_alaw'
      : 'pcm16';
}

const BETA_SESSION_KEYS = new Set([
  'modalities',
  'instructions',
  'voice',
  'input_audio_format',
  'output_audio_format',
  'input_audio_transcription',
  'input_audio_noise_reduction',
  'turn_detection',
  'tools',
  'tool_choice',
  'temperature',
  'max_response_output_tokens',
  'speed',
  'tracing',
  'include',
  'model',
  'id',
  'object',
  'expires_at',
  'client_secret',
]);

/**
 * Translates a beta (flat) `session.update` patch to the GA nested patch, so one validator and
 * one merge serve both dialects. Unknown keys are rejected like the real server does.
 */
export function betaSessionPatchToGa(flat: unknown, current: SessionState): Json {
  if (flat === null || typeof flat !== 'object' || Array.isArray(flat)) {
    throw new EmulatorProtocolError(
      'invalid_type',
      `Invalid type for 'session': expected an object, but got ${describeJsonType(flat)} instead.`,
      'session',
    );
  }
  const source = flat as Json;
  for (const key of Object.keys(source)) {
    if (!BETA_SESSION_KEYS.has(key)) {
      throw new EmulatorProtocolError(
        'unknown_parameter',
        `Unknown parameter: 'session.${key}'.`,
        `session.${key}`,
      );
    }
  }
  const patch: Json = { type: current.type };
  const input: Json = {};
  const output: Json = {};
  const copy = (from: string, to: Json, as: string = from) => {
    if (source[from] !== undefined) to[as] = source[from];
  };
  if (source.modalities !== undefined) {
    const modalities = source.modalities;
    if (
      !Array.isArray(modalities) ||
      modalities.some((m) => m !== 'text' && m !== 'audio') ||
      modalities.length === 0
    ) {
      throw invalidValue('session.modalities', modalities, ['text', 'audio']);
    }
    patch.output_modalities = modalities.includes('audio') ? ['audio'] : ['text'];
  }
  for (const key of [
    'instructions',
    'tools',
    'tool_choice',
    'tracing',
    'include',
    'model',
    'temperature',
  ])
    copy(key, patch);
  copy('max_response_output_tokens', patch, 'max_output_tokens');
  for (const [key, target] of [
    ['input_audio_format', input],
    ['output_audio_format', output],
  ] as const) {
    const value = source[key];
    if (value === undefined) continue;
    const format = typeof value === 'string' ? BETA_FORMATS[value] : undefined;
    if (!format) throw invalidValue(`session.${key}`, value, Object.keys(BETA_FORMATS));
    target.format = format;
  }
  copy('input_audio_transcription', input, 'transcription');
  copy('input_audio_noise_reduction', input, 'noise_reduction');
  copy('turn_detection', input);
  copy('voice', output);
  copy('speed', output);
  if (Object.keys(input).length > 0 || Object.keys(output).length > 0) {
    patch.audio = {
      ...(Object.keys(input).length > 0 ? { input } : {}),
      ...(Object.keys(output).length > 0 ? { output } : {}),
    };
  }
  return patch;
}

/** Maps a GA validation error's `param` back to the beta field name the client sent. */
export function betaParam(param: string | null): string | null {
  if (param === null) return null;
  return param
    .replace('session.audio.input.format', 'session.input_audio_format')
    .replace('session.audio.output.format', 'session.output_audio_format')
    .replace('session.audio.input.transcription', 'session.input_audio_transcription')
    .replace('session.audio.input.noise_reduction', 'session.input_audio_noise_reduction')
    .replace('session.audio.input.turn_detection', 'session.turn_detection')
    .replace('session.audio.output.voice', 'session.voice')
    .replace('session.audio.output.speed', 'session.speed')
    .replace('session.output_modalities', 'session.modalities')
    .replace('session.max_output_tokens', 'session.max_response_output_tokens');
}

/** The beta (flat) session object, key order as in real beta `session.created` events. */
export function sessionToBeta(session: SessionState): Json {
  const detection = session.audio.input.turn_detection;
  let turnDetection: Json | null = null;
  if (detection?.type === 'server_vad') {
    const { idle_timeout_ms: _idle, ...rest } = detection;
    turnDetection = { ...rest };
  } else if (detection) turnDetection = { ...detection };
  return {
    id: session.id,
    object: 'realtime.session',
    expires_at: session.expires_at,
    input_audio_noise_reduction: session.audio.input.noise_reduction,
    turn_detection: turnDetection,
    input_audio_format: formatToBeta(session.audio.input.format),
    input_audio_transcription: session.audio.input.transcription,
    client_secret: null,
    include: session.include,
    model: session.model,
    modalities: session.output_modalities.includes('audio') ? ['audio', 'text'] : ['text'],
    instructions: session.instructions,
    voice: session.audio.output.voice,
    output_audio_format: formatToBeta(session.audio.output.format),
    tool_choice: session.tool_choice,
    temperature: session.temperature,
    max_response_output_tokens: session.max_output_tokens,
    speed: session.audio.output.speed,
    tools: structuredClone(session.tools),
  };
}

const BETA_EVENT_NAMES: Record<string, string> = {
  'response.output_text.delta': 'response.text.delta',
  'response.output_text.done': 'response.text.done',
  'response.output_audio.delta': 'response.audio.delta',
  'response.output_audio.done': 'response.audio.done',
  'response.output_audio_transcript.delta': 'response.audio_transcript.delta',
  'response.output_audio_transcript.done': 'response.audio_transcript.done',
  'conversation.item.added': 'conversation.item.created',
};

/** Converts a GA item (as sent in events) to its beta form: `object` field, beta content types. */
export function itemToBeta(item: Json): Json {
  const { id, ...rest } = item;
  const out: Json = { id, object: 'realtime.item', ...rest };
  if (Array.isArray(item.content)) {
    out.content = (item.content as Json[]).map((part) => {
      if (part.type === 'output_text') return { ...part, type: 'text' };
      if (part.type === 'output_audio') return { ...part, type: 'audio' };
      return part;
    });
  }
  return out;
}

/** Converts a GA response object to the beta shape (`modalities`, `voice`, `output_audio_format`, `temperature`). */
export function responseToBeta(response: Json, temperature: number): Json {
  const { output_modalities, audio, max_output_tokens, usage, metadata, output, ...rest } =
    response;
  const outputAudio = (audio as { output?: { format?: AudioFormat; voice?: unknown } } | undefined)
    ?.output;
  const modalities =
    Array.isArray(output_modalities) && output_modalities.includes('audio')
      ? ['text', 'audio']
      : ['text'];
  let betaUsage = usage;
  if (usage && typeof usage === 'object') {
    const u = structuredClone(usage) as Json & {
      input_token_details?: Json & { cached_tokens_details?: Json };
    };
    if (u.input_token_details) {
      delete u.input_token_details.image_tokens;
      if (u.input_token_details.cached_tokens_details)
        delete u.input_token_details.cached_tokens_details.image_tokens;
    }
    betaUsage = u;
  }
  return {
    ...rest,
    output: Array.isArray(output) ? (output as Json[]).map(itemToBeta) : output,
    modalities,
    voice: outputAudio?.voice ?? 'alloy',
    output_audio_format: outputAudio?.format ? formatToBeta(outputAudio.format) : 'pcm16',
    temperature,
    max_output_tokens,
    usage: betaUsage,
    metadata,
  };
}

/**
 * Rewrites an outgoing GA event for a beta connection, or returns null when beta has no such
 * event (`conversation.item.done`).
 */
export function eventToBeta(event: Json, temperature: number): Json | null {
  const type = event.type as string;
  if (type === 'conversation.item.done') return null;
  const out: Json = { ...event, type: BETA_EVENT_NAMES[type] ?? type };
  if (out.item && typeof out.item === 'object') out.item = itemToBeta(out.item as Json);
  if (out.response && typeof out.response === 'object')
    out.response = responseToBeta(out.response as Json, temperature);
  if (type === 'response.output_audio_transcript.delta' || type === 'response.output_text.delta')
    delete out.obfuscation;
  return out;
}
