import type { BetaAudioFormat, BetaSessionConfig } from './beta-schemas.js';
import { isRecord, safeKeys, type Json } from './json.js';
import type { AudioFormat, SessionConfig, TranscriptionSessionConfig } from './session.js';

// Session translation between the beta flat session (§3.3) and the GA nested one (§4.4), both
// ways. The functions take possibly unvalidated input (the fast path skips validation), so they
// check every value they read and report what the target shape has no place for.

/** A field a translation could not carry over, with its value and the reason. */
export interface DroppedField {
  /** Field name in the source shape, e.g. `temperature`. */
  field: string;
  /** The value that was dropped. */
  value: unknown;
  /** Why it has no place in the target shape. */
  reason: string;
}

/** `pcm16` → `{type:"audio/pcm", rate:24000}`; G.711 names → `audio/pcmu` / `audio/pcma`. */
export function betaFormatToGa(format: unknown): AudioFormat | undefined {
  switch (format) {
    case 'pcm16':
      return { type: 'audio/pcm', rate: 24000 };
    case 'g711_ulaw':
      return { type: 'audio/pcmu' };
    case 'g711_alaw':
      return { type: 'audio/pcma' };
    default:
      return undefined;
  }
}

/** The inverse of {@link betaFormatToGa}; `undefined` for a rate beta cannot express. */
export function gaFormatToBeta(format: unknown): BetaAudioFormat | undefined {
  if (!isRecord(format)) return undefined;
  if (format.type === 'audio/pcm') {
    return format.rate === undefined || format.rate === 24000 ? 'pcm16' : undefined;
  }
  if (format.type === 'audio/pcmu') return 'g711_ulaw';
  if (format.type === 'audio/pcma') return 'g711_alaw';
  return undefined;
}

/** Beta `modalities` → GA `output_modalities`: audio always carries its transcript in GA. */
export function betaModalitiesToGa(modalities: unknown): Array<'audio' | 'text'> | undefined {
  if (!Array.isArray(modalities)) return undefined;
  return modalities.includes('audio') ? ['audio'] : ['text'];
}

export function gaModalitiesToBeta(modalities: unknown): Array<'audio' | 'text'> | undefined {
  if (!Array.isArray(modalities)) return undefined;
  return modalities.includes('audio') ? ['text', 'audio'] : ['text'];
}

/**
 * Beta session fields that GA keeps under another name, with the GA path (dotted, from the
 * session). `modalities` and the two formats also change their values (see
 * {@link betaModalitiesToGa}, {@link betaFormatToGa}); the others move as they are.
 */
export const betaSessionFieldPaths: Readonly<Record<string, string>> = {
  modalities: 'output_modalities',
  voice: 'audio.output.voice',
  speed: 'audio.output.speed',
  input_audio_format: 'audio.input.format',
  output_audio_format: 'audio.output.format',
  input_audio_transcription: 'audio.input.transcription',
  input_audio_noise_reduction: 'audio.input.noise_reduction',
  turn_detection: 'audio.input.turn_detection',
  max_response_output_tokens: 'max_output_tokens',
};

// Beta fields that map to the top level of the GA session under the same name.
const sameNameSessionFields = new Set([
  'id',
  'object',
  'model',
  'expires_at',
  'instructions',
  'tools',
  'tool_choice',
  'tracing',
  'include',
]);

export function dropReasonFor(field: string): string {
  switch (field) {
    case 'temperature':
      return 'GA has no temperature (removed from the session and from response.create)';
    case 'client_secret':
      return 'the GA session carries no client secret (it comes from /client_secrets)';
    default:
      return 'not a field of the beta session; GA has no place for it';
  }
}

/**
 * Translates a session config in the beta/seed flat shape (`modalities`, `voice`,
 * `input_audio_format`, …, `temperature`, `max_response_output_tokens`) into a GA session.
 * Fields GA has no place for (`temperature`, unknown keys) are returned in `dropped`, never
 * silently lost. Values of fields that do map are carried as they are.
 *
 * @example
 * ```ts
 * const { session, dropped } = translateBetaSessionConfig({
 *   modalities: ['text', 'audio'], voice: 'alloy', input_audio_format: 'pcm16',
 *   turn_detection: { type: 'server_vad' }, temperature: 0.8,
 * });
 * // session: { type: 'realtime', output_modalities: ['audio'], audio: { input: { format:
 * //   { type: 'audio/pcm', rate: 24000 }, turn_detection: { type: 'server_vad' } },
 * //   output: { voice: 'alloy' } } }
 * // dropped: [{ field: 'temperature', value: 0.8, reason: 'GA has no temperature …' }]
 * ```
 */
export function translateBetaSessionConfig(flat: BetaSessionConfig | Json): {
  session: SessionConfig;
  dropped: DroppedField[];
} {
  const session: Json = { type: 'realtime' };
  const input: Json = {};
  const output: Json = {};
  const dropped: DroppedField[] = [];
  for (const key of safeKeys(flat)) {
    const value = flat[key];
    if (sameNameSessionFields.has(key)) {
      session[key] = value;
      continue;
    }
    switch (key) {
      case 'type':
        // A GA-shaped field inside a flat config: ignore, the result is always `realtime`.
        break;
      case 'modalities': {
        const modalities = betaModalitiesToGa(value);
        if (modalities) session.output_modalities = modalities;
        else dropped.push({ field: key, value, reason: 'modalities must be an array' });
        break;
      }
      case 'voice':
        output.voice = value;
        break;
      case 'speed':
        output.speed = value;
        break;
      case 'input_audio_format':
      case 'output_audio_format': {
        const format = betaFormatToGa(value);
        if (format) (key === 'input_audio_format' ? input : output).format = format;
        else dropped.push({ field: key, value, reason: 'unknown beta audio format' });
        break;
      }
      case 'input_audio_transcription':
        input.transcription = value;
        break;
      case 'input_audio_noise_reduction':
        input.noise_reduction = value;
        break;
      case 'turn_detection':
        input.turn_detection = value;
        break;
      case 'max_response_output_tokens':
      case 'max_output_tokens':
        session.max_output_tokens = value;
        break;
      default:
        dropped.push({ field: key, value, reason: dropReasonFor(key) });
    }
  }
  const audio: Json = {};
  if (Object.keys(input).length > 0) audio.input = input;
  if (Object.keys(output).length > 0) audio.output = output;
  if (Object.keys(audio).length > 0) session.audio = audio;
  return { session: session as SessionConfig, dropped };
}

/** A beta transcription session → GA `{ type: "transcription", audio: { input } }`. */
export function translateBetaTranscriptionSession(flat: Json): {
  session: TranscriptionSessionConfig;
  dropped: DroppedField[];
} {
  const { session: realtime, dropped } = translateBetaSessionConfig(flat);
  const session: Json = { type: 'transcription' };
  const audio = realtime.audio;
  if (audio?.input) session.audio = { input: audio.input };
  if (realtime.include !== undefined) session.include = realtime.include;
  // `modalities` is meaningless for transcription sessions; report it rather than map it.
  if (realtime.output_modalities !== undefined) {
    dropped.push({
      field: 'modalities',
      value: flat.modalities,
      reason: 'transcription sessions have no output modalities',
    });
  }
  return { session: session as TranscriptionSessionConfig, dropped };
}

/**
 * Translates a GA session (realtime or transcription) into the beta flat shape, for servers
 * that still speak beta. GA-only fields (`truncation`, `prompt`, `reasoning`, MCP tools, audio
 * rates other than 24 kHz, custom voices) are returned in `dropped`.
 */
export function toBetaSessionConfig(session: Json): { session: Json; dropped: DroppedField[] } {
  const flat: Json = {};
  const dropped: DroppedField[] = [];
  for (const key of safeKeys(session)) {
    const value = session[key];
    if (key === 'tools' && Array.isArray(value)) {
      const tools = value.filter((tool) => isRecord(tool) && tool.type === 'function');
      if (tools.length !== value.length) {
        dropped.push({
          field: 'tools',
          value: value.filter((tool) => !tools.includes(tool)),
          reason: 'beta supports function tools only',
        });
      }
      flat.tools = tools;
      continue;
    }
    if (sameNameSessionFields.has(key)) {
      flat[key] = value;
      continue;
    }
    switch (key) {
      case 'type':
        break;
      case 'output_modalities':
        flat.modalities = gaModalitiesToBeta(value) ?? value;
        break;
      case 'max_output_tokens':
        flat.max_response_output_tokens = value;
        break;
      case 'audio':
        if (isRecord(value)) audioToBeta(value, flat, dropped);
        else dropped.push({ field: key, value, reason: 'audio must be an object' });
        break;
      default:
        dropped.push({ field: key, value, reason: 'a GA-only field that beta does not know' });
    }
  }
  return { session: flat, dropped };
}

function audioToBeta(audio: Json, flat: Json, dropped: DroppedField[]): void {
  const input = isRecord(audio.input) ? audio.input : {};
  const output = isRecord(audio.output) ? audio.output : {};
  for (const key of safeKeys(input)) {
    const value = input[key];
    if (key === 'format') {
      const format = gaFormatToBeta(value);
      if (format) flat.input_audio_format = format;
      else
        dropped.push({
          field: 'audio.input.format',
          value,
          reason: 'beta accepts 24 kHz PCM16 or G.711 only',
        });
    } else if (key === 'transcription') flat.input_audio_transcription = value;
    else if (key === 'noise_reduction') flat.input_audio_noise_reduction = value;
    else if (key === 'turn_detection') flat.turn_detection = value;
    else
      dropped.push({
        field: `audio.input.${key}`,
        value,
        reason: 'a GA-only field that beta does not know',
      });
  }
  for (const key of safeKeys(output)) {
    const value = output[key];
    if (key === 'format') {
      const format = gaFormatToBeta(value);
      if (format) flat.output_audio_format = format;
      else
        dropped.push({
          field: 'audio.output.format',
          value,
          reason: 'beta accepts 24 kHz PCM16 or G.711 only',
        });
    } else if (key === 'voice') {
      if (typeof value === 'string') flat.voice = value;
      else
        dropped.push({ field: 'audio.output.voice', value, reason: 'beta has no custom voices' });
    } else if (key === 'speed') flat.speed = value;
    else
      dropped.push({
        field: `audio.output.${key}`,
        value,
        reason: 'a GA-only field that beta does not know',
      });
  }
}
