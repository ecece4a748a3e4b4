import {
  betaModalitiesToGa,
  dropReasonFor,
  betaFormatToGa,
  gaFormatToBeta,
  gaModalitiesToBeta,
  toBetaSessionConfig,
  translateBetaSessionConfig,
  translateBetaTranscriptionSession,
  type DroppedField,
} from './beta-session.js';
import { isRecord, ownValue, safeKeys, type Json } from './json.js';

// Beta events (§4.1) to GA and back: renamed event types, beta content names, the beta response
// object. Like the session translation, the adapters read unvalidated input defensively and copy
// unknown fields through instead of dropping them.

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
function betaResponseToGa(response: Json, dropped: DroppedField[]): Json {
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

/** A GA `response.create.response` → beta overrides. */
function gaResponseParamsToBeta(response: Json, dropped: DroppedField[]): Json {
  const result: Json = {};
  for (const key of safeKeys(response)) {
    const value = response[key];
    switch (key) {
      case 'output_modalities':
        result.modalities = gaModalitiesToBeta(value) ?? value;
        break;
      case 'max_output_tokens':
        result.max_response_output_tokens = value;
        break;
      case 'audio': {
        const output = isRecord(value) && isRecord(value.output) ? value.output : {};
        if (typeof output.voice === 'string') result.voice = output.voice;
        else if (output.voice !== undefined) {
          dropped.push({
            field: 'response.audio.output.voice',
            value: output.voice,
            reason: 'beta has no custom voices',
          });
        }
        if (output.format !== undefined) {
          const format = gaFormatToBeta(output.format);
          if (format) result.output_audio_format = format;
          else
            dropped.push({
              field: 'response.audio.output.format',
              value: output.format,
              reason: 'beta accepts 24 kHz PCM16 or G.711 only',
            });
        }
        break;
      }
      case 'input':
        result.input = Array.isArray(value) ? value.map(itemContentToBeta) : value;
        break;
      case 'prompt':
      case 'reasoning':
      case 'parallel_tool_calls':
        dropped.push({
          field: `response.${key}`,
          value,
          reason: 'a GA-only field that beta does not know',
        });
        break;
      default:
        result[key] = value;
    }
  }
  return result;
}

/**
 * Adapts a beta server event (already renamed or not) to the normalized GA form. Returns the
 * GA-shaped object and what could not be carried over.
 */
export function betaServerEventToGa(event: Json): { event: Json; dropped: DroppedField[] } {
  const dropped: DroppedField[] = [];
  const betaType = event.type as string;
  const type = ownValue(betaToGaServerEventType, betaType) ?? betaType;
  let result: Json = type === betaType ? event : { ...event, type };
  switch (betaType) {
    case 'session.created':
    case 'session.updated':
      if (isRecord(event.session) && event.session.type === undefined) {
        const translated = translateBetaSessionConfig(event.session);
        dropped.push(...translated.dropped.map((d) => ({ ...d, field: `session.${d.field}` })));
        result = { ...result, session: translated.session };
      }
      break;
    case 'transcription_session.updated':
      if (isRecord(event.session)) {
        const translated = translateBetaTranscriptionSession(event.session);
        dropped.push(...translated.dropped.map((d) => ({ ...d, field: `session.${d.field}` })));
        result = { ...result, session: translated.session };
      }
      break;
    case 'response.created':
    case 'response.done':
      if (isRecord(event.response)) {
        result = { ...result, response: betaResponseToGa(event.response, dropped) };
      }
      break;
    case 'conversation.item.created':
    case 'conversation.item.retrieved':
    case 'response.output_item.added':
    case 'response.output_item.done':
      result = { ...result, item: normalizeItemContent(event.item) };
      break;
  }
  return { event: result, dropped };
}

/** Adapts a beta client event to the normalized GA form. */
export function betaClientEventToGa(event: Json): { event: Json; dropped: DroppedField[] } {
  const dropped: DroppedField[] = [];
  const betaType = event.type as string;
  const type = ownValue(betaToGaClientEventType, betaType) ?? betaType;
  let result: Json = type === betaType ? event : { ...event, type };
  switch (betaType) {
    case 'session.update':
      if (isRecord(event.session) && event.session.type === undefined) {
        const translated = translateBetaSessionConfig(event.session);
        dropped.push(...translated.dropped.map((d) => ({ ...d, field: `session.${d.field}` })));
        result = { ...result, session: translated.session };
      }
      break;
    case 'transcription_session.update':
      if (isRecord(event.session)) {
        const translated = translateBetaTranscriptionSession(event.session);
        dropped.push(...translated.dropped.map((d) => ({ ...d, field: `session.${d.field}` })));
        result = { ...result, session: translated.session };
      }
      break;
    case 'response.create':
      if (isRecord(event.response)) {
        result = { ...result, response: betaResponseToGa(event.response, dropped) };
      }
      break;
    case 'conversation.item.create':
      result = { ...result, item: normalizeItemContent(event.item) };
      break;
  }
  return { event: result, dropped };
}

/** Adapts a GA client event to the beta dialect. */
export function gaClientEventToBeta(event: Json): { event: Json; dropped: DroppedField[] } {
  const dropped: DroppedField[] = [];
  switch (event.type) {
    case 'session.update': {
      if (!isRecord(event.session)) return { event, dropped };
      if (event.session.type === 'transcription') {
        const { session, dropped: lost } = toBetaSessionConfig(event.session);
        delete session.modalities;
        dropped.push(...lost.map((d) => ({ ...d, field: `session.${d.field}` })));
        return { event: { ...event, type: 'transcription_session.update', session }, dropped };
      }
      const { session, dropped: lost } = toBetaSessionConfig(event.session);
      dropped.push(...lost.map((d) => ({ ...d, field: `session.${d.field}` })));
      return { event: { ...event, session }, dropped };
    }
    case 'response.create':
      if (!isRecord(event.response)) return { event, dropped };
      return {
        event: { ...event, response: gaResponseParamsToBeta(event.response, dropped) },
        dropped,
      };
    case 'conversation.item.create':
      return { event: { ...event, item: itemContentToBeta(event.item) }, dropped };
    default:
      return { event, dropped };
  }
}
