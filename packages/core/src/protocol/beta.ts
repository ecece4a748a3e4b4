import * as z from 'zod';
import { clientItemSchema, itemReferenceSchema } from './items.js';
import { responseSchema } from './response.js';
import {
  anyToolSchema,
  maxOutputTokensSchema,
  noiseReductionSchema,
  toolChoiceSchema,
  transcriptionSchema,
  turnDetectionSchema,
  type AudioFormat,
  type SessionConfig,
  type TranscriptionSessionConfig,
} from './session.js';

// The beta dialect (§3.1–3.5): a flat session, different event and content names, `temperature`.
// Only what differs from GA has a schema here; the adapters below map both ways.

/** Beta audio format names. */
export const betaAudioFormatSchema = z.enum(['pcm16', 'g711_ulaw', 'g711_alaw']);
/** A beta audio format name. */
export type BetaAudioFormat = z.infer<typeof betaAudioFormatSchema>;

/**
 * The beta session object (§3.3), also the "flat" session config of the seeds. Used by beta
 * `session.update` (a partial patch), `session.created` / `session.updated`, and as the input of
 * {@link translateBetaSessionConfig}.
 */
export const betaSessionSchema = z.looseObject({
  id: z.string().optional(),
  object: z.string().optional(),
  model: z.string().optional(),
  expires_at: z.number().optional(),
  modalities: z.array(z.enum(['text', 'audio'])).optional(),
  instructions: z.string().optional(),
  voice: z.string().optional(),
  input_audio_format: betaAudioFormatSchema.optional(),
  output_audio_format: betaAudioFormatSchema.optional(),
  input_audio_transcription: transcriptionSchema.nullable().optional(),
  input_audio_noise_reduction: noiseReductionSchema.nullable().optional(),
  turn_detection: turnDetectionSchema.nullable().optional(),
  tools: z.array(anyToolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  temperature: z.number().optional(),
  max_response_output_tokens: maxOutputTokensSchema.optional(),
  // The Oct-2024 spec's name for `max_response_output_tokens`.
  max_output_tokens: maxOutputTokensSchema.optional(),
  speed: z.number().optional(),
  tracing: z.unknown().optional(),
  include: z.array(z.string()).nullable().optional(),
  client_secret: z.unknown().optional(),
});
/** A beta (flat) session config, as in the seeds. */
export type BetaSessionConfig = z.infer<typeof betaSessionSchema>;

/** Beta `transcription_session.update` / `.updated` session. */
export const betaTranscriptionSessionSchema = z.looseObject({
  input_audio_format: betaAudioFormatSchema.optional(),
  input_audio_transcription: transcriptionSchema.nullable().optional(),
  input_audio_noise_reduction: noiseReductionSchema.nullable().optional(),
  turn_detection: turnDetectionSchema.nullable().optional(),
  include: z.array(z.string()).nullable().optional(),
  modalities: z.array(z.enum(['text', 'audio'])).optional(),
  client_secret: z.unknown().optional(),
});

/** Beta `response.create.response` overrides (§3.5). */
export const betaResponseCreateParamsSchema = z.looseObject({
  modalities: z.array(z.enum(['text', 'audio'])).optional(),
  instructions: z.string().optional(),
  voice: z.string().optional(),
  output_audio_format: betaAudioFormatSchema.optional(),
  tools: z.array(anyToolSchema).optional(),
  tool_choice: toolChoiceSchema.optional(),
  temperature: z.number().optional(),
  max_response_output_tokens: maxOutputTokensSchema.optional(),
  conversation: z.string().optional(),
  metadata: z.record(z.string(), z.string()).nullable().optional(),
  input: z.array(z.union([itemReferenceSchema, clientItemSchema])).optional(),
});

/** The beta response object: GA's plus `modalities`, `voice`, `output_audio_format`, `temperature`. */
export const betaResponseSchema = responseSchema.extend({
  modalities: z.array(z.enum(['text', 'audio'])).optional(),
  voice: z.string().optional(),
  output_audio_format: betaAudioFormatSchema.optional(),
  temperature: z.number().optional(),
});

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

/** Beta server event schemas whose payload differs from GA's (keyed by beta name). */
export const betaServerEventSchemas = {
  'session.created': z.looseObject({
    type: z.literal('session.created'),
    event_id: z.string().optional(),
    session: betaSessionSchema,
  }),
  'session.updated': z.looseObject({
    type: z.literal('session.updated'),
    event_id: z.string().optional(),
    session: betaSessionSchema,
  }),
  'transcription_session.updated': z.looseObject({
    type: z.literal('transcription_session.updated'),
    event_id: z.string().optional(),
    session: betaTranscriptionSessionSchema,
  }),
  'response.created': z.looseObject({
    type: z.literal('response.created'),
    event_id: z.string().optional(),
    response: betaResponseSchema,
  }),
  'response.done': z.looseObject({
    type: z.literal('response.done'),
    event_id: z.string().optional(),
    response: betaResponseSchema,
  }),
} as const;

/** Beta client event schemas whose payload differs from GA's (keyed by beta name). */
export const betaClientEventSchemas = {
  'session.update': z.looseObject({
    type: z.literal('session.update'),
    event_id: z.string().optional(),
    session: betaSessionSchema,
  }),
  'transcription_session.update': z.looseObject({
    type: z.literal('transcription_session.update'),
    event_id: z.string().optional(),
    session: betaTranscriptionSessionSchema,
  }),
  'response.create': z.looseObject({
    type: z.literal('response.create'),
    event_id: z.string().optional(),
    response: betaResponseCreateParamsSchema.optional(),
  }),
} as const;

// ---------------------------------------------------------------------------------------------
// Adapters. They take possibly unvalidated input (the fast path skips validation), so they check
// every value they read and copy unknown fields through instead of dropping them.

type Json = Record<string, unknown>;

/** A field a translation could not carry over, with its value and the reason. */
export interface DroppedField {
  /** Field name in the source shape, e.g. `temperature`. */
  field: string;
  /** The value that was dropped. */
  value: unknown;
  /** Why it has no place in the target shape. */
  reason: string;
}

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// The GA name of an event type; own keys only, since the type comes off the wire ("valueOf").
function renamed(renames: Readonly<Record<string, string>>, type: string): string {
  return Object.prototype.hasOwnProperty.call(renames, type) ? renames[type]! : type;
}

// Keys to copy from an input object. `__proto__` is never copied: assigning it would replace the
// prototype of the copy (the parsers strip it before adapting; this guards direct callers).
function safeKeys(object: Json): string[] {
  return Object.keys(object).filter((key) => key !== '__proto__');
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
function betaModalitiesToGa(modalities: unknown): Array<'audio' | 'text'> | undefined {
  if (!Array.isArray(modalities)) return undefined;
  return modalities.includes('audio') ? ['audio'] : ['text'];
}

function gaModalitiesToBeta(modalities: unknown): Array<'audio' | 'text'> | undefined {
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

function dropReasonFor(field: string): string {
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
function translateBetaTranscriptionSession(flat: Json): {
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
  const type = renamed(betaToGaServerEventType, betaType);
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
  const type = renamed(betaToGaClientEventType, betaType);
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
