import {
  betaNamesToGa,
  betaResponseToGa,
  betaToGaClientEventType,
  gaFormatToBeta,
  itemContentToBeta,
  normalizeItemContent,
  type DroppedField,
} from './beta-tables.js';
import {
  gaModalitiesToBeta,
  toBetaSessionConfig,
  translateBetaSessionConfig,
  translateBetaTranscriptionSession,
} from './beta-session.js';
import { isRecord, ownValue, safeKeys, type Json } from './json.js';

// Beta events (§4.1) to GA and back: the beta sessions inside server events, beta client events
// and GA client events written for a beta server (the names and content renames both dialects
// read are in beta-tables.ts). Like the session translation, the adapters read unvalidated input
// defensively and copy unknown fields through instead of dropping them.

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
  const renamed = betaNamesToGa(event, dropped);
  if (renamed !== null) return { event: renamed, dropped };
  // A beta session: flat in `session.created`/`session.updated`, or a transcription session.
  const session = event.session as Json;
  const translated =
    event.type === 'transcription_session.updated'
      ? translateBetaTranscriptionSession(session)
      : translateBetaSessionConfig(session);
  dropped.push(...translated.dropped.map((d) => ({ ...d, field: `session.${d.field}` })));
  const type = event.type === 'transcription_session.updated' ? 'session.updated' : event.type;
  return { event: { ...event, type, session: translated.session }, dropped };
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
