import type { BetaSessionConfig } from './beta-schemas.js';
import {
  betaFormatToGa,
  betaModalitiesToGa,
  dropReasonFor,
  gaFormatToBeta,
  type DroppedField,
} from './beta-tables.js';
import { isRecord, safeKeys, type Json } from './json.js';
import type { SessionConfig, TranscriptionSessionConfig } from './session.js';

// Session translation between the beta flat session (§3.3) and the GA nested one (§4.4), both
// ways. The functions take possibly unvalidated input (the fast path skips validation), so they
// check every value they read and report what the target shape has no place for.

/** GA `output_modalities` → beta `modalities`: beta always lists the transcript's text. */
export function gaModalitiesToBeta(modalities: unknown): Array<'audio' | 'text'> | undefined {
  if (!Array.isArray(modalities)) return undefined;
  return modalities.includes('audio') ? ['text', 'audio'] : ['text'];
}

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
