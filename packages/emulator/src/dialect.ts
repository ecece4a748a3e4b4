import {
  betaAudioFormatSchema,
  betaFormatToGa,
  betaSessionFieldPaths,
  betaToGaServerEventType,
  gaFormatToBeta,
  itemContentToBeta,
} from '@parley/core/schemas';
import { EmulatorProtocolError, describeJsonType, invalidValue } from './errors.js';
import type { AudioFormat, SessionState } from './session-config.js';

// The names (events, fields, formats, content types) come from core's beta tables, one source for
// the client and this server; the validation around them, and its exact error texts, are the
// emulator's own: refusing what the real beta server refused is its job.

/** Which wire shape a connection speaks. */
export type Dialect = 'ga' | 'beta';

type Json = Record<string, unknown>;

/** GA audio format → the beta name. */
export function formatToBeta(format: AudioFormat): string {
  return gaFormatToBeta(format) ?? 'pcm16';
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

// Beta fields the GA session has no place for (`object`, `id`, `expires_at`, `client_secret`)
// are accepted, as the real server echoed them back, and left out of the patch.
const COPIED_SESSION_KEYS = new Set([
  ...Object.keys(betaSessionFieldPaths),
  'instructions',
  'tools',
  'tool_choice',
  'tracing',
  'include',
  'model',
  'temperature',
]);

/** The GA value of a beta field: modalities and audio format names change, the rest does not. */
function betaValueToGa(key: string, value: unknown): unknown {
  if (key === 'modalities') {
    if (
      !Array.isArray(value) ||
      value.some((m) => m !== 'text' && m !== 'audio') ||
      value.length === 0
    ) {
      throw invalidValue('session.modalities', value, ['text', 'audio']);
    }
    return value.includes('audio') ? ['audio'] : ['text'];
  }
  if (key === 'input_audio_format' || key === 'output_audio_format') {
    const format = betaFormatToGa(value);
    if (!format) throw invalidValue(`session.${key}`, value, betaAudioFormatSchema.options);
    return format;
  }
  return value;
}

/** Sets `value` at a dotted `path` inside `target`, creating the objects on the way. */
function setPath(target: Json, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  let node = target;
  for (const key of keys) {
    node[key] ??= {};
    node = node[key] as Json;
  }
  node[last] = value;
}

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
  for (const [key, value] of Object.entries(source)) {
    if (value === undefined || !COPIED_SESSION_KEYS.has(key)) continue;
    const path = betaSessionFieldPaths[key] ?? key;
    setPath(patch, path, betaValueToGa(key, value));
  }
  return patch;
}

/** Maps a GA validation error's `param` back to the beta field name the client sent. */
export function betaParam(param: string | null): string | null {
  if (param === null) return null;
  let named = param;
  for (const [betaName, gaPath] of Object.entries(betaSessionFieldPaths))
    named = named.replace(`session.${gaPath}`, `session.${betaName}`);
  return named;
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

/**
 * GA event name → beta name: core's table read backwards. `session.updated` stays: core maps
 * beta transcription sessions' `transcription_session.updated` onto it, but a realtime beta
 * session sent `session.updated`.
 */
const BETA_EVENT_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries(betaToGaServerEventType)
    .filter(([, gaName]) => gaName !== 'session.updated')
    .map(([betaName, gaName]) => [gaName, betaName]),
);

/** Converts a GA item (as sent in events) to its beta form: `object` field, beta content types. */
export function itemToBeta(item: Json): Json {
  const { id, ...rest } = itemContentToBeta(item) as Json;
  return { id, object: 'realtime.item', ...rest };
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
  const out: Json = { ...event, type: BETA_EVENT_NAMES.get(type) ?? type };
  if (out.item && typeof out.item === 'object') out.item = itemToBeta(out.item as Json);
  if (out.response && typeof out.response === 'object')
    out.response = responseToBeta(out.response as Json, temperature);
  if (type === 'response.output_audio_transcript.delta' || type === 'response.output_text.delta')
    delete out.obfuscation;
  return out;
}
