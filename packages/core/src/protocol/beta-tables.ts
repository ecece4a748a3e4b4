import type { BetaAudioFormat } from './beta-schemas.js';
import { isRecord, ownValue, safeKeys, type Json } from './json.js';
import type { AudioFormat } from './session.js';

// The beta dialect's names and values (§4.1, §3.3) and what GA parsing itself reads of them: GA
// servers may still send beta event names, beta content names and beta response fields, so the
// parser renames them in either dialect. The translation of whole sessions, and the client side
// of the beta dialect, are in beta-session.ts and beta-events.ts, loaded with the dialect
// (beta-dialect.ts).

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

/** Beta server event names and their GA names (§4.1). */
export const betaToGaServerEventType: Readonly<Record<string, string>> = {
  'response.text.delta': 'response.output_text.delta',
  'response.text.done': 'response.output_text.done',
  'response.audio.delta': 'response.output_audio.delta',
  'response.audio.done': 'response.output_audio.done',
  'response.audio_transcript.delta': 'response.output_audio_transcript.delta',
  'response.audio_transcript.done': 'response.output_audio_transcript.done',
  'conversation.item.created': 'conversation.item.added',
  'transcription_session.updated': 'session.updated',
};

/** Beta client event names and their GA names. */
export const betaToGaClientEventType: Readonly<Record<string, string>> = {
  'transcription_session.update': 'session.update',
};

/** Renames beta assistant content (`text`, `audio`) to GA's (`output_text`, `output_audio`). */
export function normalizeItemContent(item: unknown): unknown {
  if (!isRecord(item) || !Array.isArray(item.content)) return item;
  let changed = false;
  const content = item.content.map((part: unknown) => {
    if (isRecord(part) && (part.type === 'text' || part.type === 'audio')) {
      changed = true;
      return { ...part, type: part.type === 'text' ? 'output_text' : 'output_audio' };
    }
    return part;
  });
  return changed ? { ...item, content } : item;
}

/** Renames GA assistant content to beta's, for serializing items to a beta server. */
export function itemContentToBeta(item: unknown): unknown {
  if (!isRecord(item) || !Array.isArray(item.content)) return item;
  let changed = false;
  const content = item.content.map((part: unknown) => {
    if (isRecord(part) && (part.type === 'output_text' || part.type === 'output_audio')) {
      changed = true;
      return { ...part, type: part.type === 'output_text' ? 'text' : 'audio' };
    }
    return part;
  });
  return changed ? { ...item, content } : item;
}

/** A beta response object → GA (`modalities`, `voice`, `output_audio_format` moved). */
export function betaResponseToGa(response: Json, dropped: DroppedField[]): Json {
  const result: Json = {};
  const audioOutput: Json = {};
  for (const key of safeKeys(response)) {
    const value = response[key];
    switch (key) {
      case 'modalities':
        result.output_modalities = betaModalitiesToGa(value) ?? value;
        break;
      case 'voice':
        audioOutput.voice = value;
        break;
      case 'output_audio_format': {
        const format = betaFormatToGa(value);
        if (format) audioOutput.format = format;
        else
          dropped.push({
            field: 'response.output_audio_format',
            value,
            reason: 'unknown beta audio format',
          });
        break;
      }
      case 'max_response_output_tokens':
        result.max_output_tokens = value;
        break;
      case 'temperature':
        dropped.push({
          field: 'response.temperature',
          value,
          reason: dropReasonFor('temperature'),
        });
        break;
      case 'output':
        result.output = Array.isArray(value) ? value.map(normalizeItemContent) : value;
        break;
      case 'input':
        result.input = Array.isArray(value) ? value.map(normalizeItemContent) : value;
        break;
      default:
        result[key] = value;
    }
  }
  if (Object.keys(audioOutput).length > 0) {
    const audio = isRecord(result.audio) ? result.audio : {};
    const existing = isRecord(audio.output) ? audio.output : {};
    result.audio = { ...audio, output: { ...existing, ...audioOutput } };
  }
  return result;
}

/**
 * What both dialects rename in a server event: beta event names, beta content names in items and
 * the beta response object. `null` when the event carries a beta session, whose translation is
 * the beta dialect's (see beta-events.ts `betaServerEventToGa`).
 */
export function betaNamesToGa(event: Json, dropped: DroppedField[]): Json | null {
  const betaType = event.type as string;
  const type = ownValue(betaToGaServerEventType, betaType) ?? betaType;
  const result: Json = type === betaType ? event : { ...event, type };
  switch (betaType) {
    case 'session.created':
    case 'session.updated':
      return isRecord(event.session) && event.session.type === undefined ? null : result;
    case 'transcription_session.updated':
      return isRecord(event.session) ? null : result;
    case 'response.created':
    case 'response.done':
      return isRecord(event.response)
        ? { ...result, response: betaResponseToGa(event.response, dropped) }
        : result;
    case 'conversation.item.created':
    case 'conversation.item.retrieved':
    case 'response.output_item.added':
    case 'response.output_item.done':
      return { ...result, item: normalizeItemContent(event.item) };
    default:
      return result;
  }
}
