import { DEFAULT_LIVE_VOICE, isLiveModel, LIVE_LIMITS, LIVE_VOICES } from '@parley/core';
import {
  invalidType,
  invalidValue,
  LiveProtocolError,
  missingParameter,
  unknownParameter,
} from './live-errors.js';

type Json = Record<string, unknown>;

/** A Live audio format: one format for input and output (primary WebSocket only). */
export type LiveAudioFormat =
  { type: 'audio/pcm'; rate: 16000 | 24000 } | { type: 'audio/pcmu' | 'audio/pcma'; rate: 8000 };

/** The resolved session, as `session.started`/`updated`/`closed` carry it (`SessionResource`). */
export interface LiveSessionResource {
  id: string;
  expires_at: number;
  model: string;
  status: 'active';
  instructions?: string | null;
  input: Json[];
  audio: { format?: LiveAudioFormat; output: { voice: string | { id: string } } };
  delegation: Json;
  client?: Json;
  store?: boolean;
  safety_identifier?: string | null;
  triggers?: Json[];
}

/** Where a config arrives: the WebSocket `session.start` (with `audio.format`) or an HTTP media create. */
export type LiveConfigTransport = 'websocket' | 'media';

/** Limits from core's table (reference §10); tokens are estimated at 4 characters each. */
const MAX_INSTRUCTIONS_CHARS = LIVE_LIMITS.instructionsTokens * 4;
const MAX_INPUT_ITEMS = LIVE_LIMITS.inputMessages;
const MAX_INPUT_CHARS = LIVE_LIMITS.inputTokens * 4;
const FUNCTION_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const RESPONSES_FIELDS = new Set([
  'model',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'max_output_tokens',
  'reasoning',
  'text',
  'service_tier',
]);
const SERVICE_TIERS = ['auto', 'default', 'flex', 'priority', 'fast_tier_temp_pilot', 'ultrafast'];
const HOSTED_TOOLS = new Set([
  'web_search',
  'file_search',
  'code_interpreter',
  'shell',
  'image_generation',
  'mcp',
  'custom',
  'namespace',
  'tool_search',
  'programmatic_tool_calling',
  'computer',
  'apply_patch',
]);

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function object(value: unknown, param: string): Json {
  if (!isObject(value)) throw invalidType(param, 'an object', value);
  return value;
}

function onlyKeys(value: Json, allowed: readonly string[], param: string): void {
  for (const key of Object.keys(value))
    if (!allowed.includes(key)) throw unknownParameter(`${param}.${key}`);
}

function checkFormat(value: unknown, param: string): LiveAudioFormat {
  const format = object(value, param);
  onlyKeys(format, ['type', 'rate'], param);
  const type = format.type;
  if (type !== 'audio/pcm' && type !== 'audio/pcmu' && type !== 'audio/pcma')
    throw invalidValue(`${param}.type`, type, ['audio/pcm', 'audio/pcmu', 'audio/pcma']);
  if (type === 'audio/pcm') {
    const rate = format.rate ?? 24000;
    if (rate !== 16000 && rate !== 24000)
      throw invalidValue(`${param}.rate`, rate, ['16000', '24000']);
    return { type, rate };
  }
  const rate = format.rate ?? 8000;
  if (rate !== 8000) throw invalidValue(`${param}.rate`, rate, ['8000']);
  return { type, rate: 8000 };
}

function checkVoice(value: unknown, param: string): string | { id: string } {
  if (isObject(value)) {
    onlyKeys(value, ['id'], param);
    if (typeof value.id !== 'string' || value.id.length < 1 || value.id.length > 128)
      throw invalidType(`${param}.id`, 'a string of 1 to 128 characters', value.id);
    return { id: value.id };
  }
  if (typeof value !== 'string') throw invalidType(param, 'a string or an object', value);
  if (!(LIVE_VOICES as readonly string[]).includes(value))
    throw invalidValue(param, value, LIVE_VOICES);
  return value;
}

function checkInput(value: unknown): Json[] {
  if (!Array.isArray(value)) throw invalidType('session.input', 'an array', value);
  if (value.length > MAX_INPUT_ITEMS)
    throw new LiveProtocolError(
      'array_above_max_length',
      `Invalid 'session.input': array too long. Expected an array with maximum length ${MAX_INPUT_ITEMS}, but got an array with length ${value.length} instead.`,
      'session.input',
    );
  let chars = 0;
  const items = value.map((raw, index) => {
    const param = `session.input[${index}]`;
    const item = object(raw, param);
    onlyKeys(item, ['type', 'role', 'content', 'id', 'status'], param);
    if (item.type !== undefined && item.type !== 'message')
      throw invalidValue(`${param}.type`, item.type, ['message']);
    if (item.role !== 'developer' && item.role !== 'user' && item.role !== 'assistant')
      throw invalidValue(`${param}.role`, item.role, ['developer', 'user', 'assistant']);
    if (
      item.status !== undefined &&
      item.status !== null &&
      item.status !== 'completed' &&
      item.status !== 'incomplete'
    )
      throw invalidValue(`${param}.status`, item.status, ['completed', 'incomplete']);
    if (!Array.isArray(item.content) || item.content.length !== 1)
      throw new LiveProtocolError(
        'invalid_value',
        `Invalid '${param}.content': each input item has exactly one text part.`,
        `${param}.content`,
      );
    const part = object(item.content[0], `${param}.content[0]`);
    onlyKeys(part, ['type', 'text'], `${param}.content[0]`);
    const partTypes = item.role === 'assistant' ? ['text', 'output_text'] : ['input_text'];
    if (
      part.type !== undefined &&
      (typeof part.type !== 'string' || !partTypes.includes(part.type))
    )
      throw invalidValue(`${param}.content[0].type`, part.type, partTypes);
    if (typeof part.text !== 'string')
      throw invalidType(`${param}.content[0].text`, 'a string', part.text);
    chars += part.text.length;
    return item;
  });
  if (chars > MAX_INPUT_CHARS)
    throw new LiveProtocolError(
      'input_too_large',
      `The startup input renders to more than 8192 tokens.`,
      'session.input',
    );
  return items;
}

function checkTools(value: unknown, param: string): Json[] {
  if (!Array.isArray(value)) throw invalidType(param, 'an array', value);
  return value.map((raw, index) => {
    const tool = object(raw, `${param}[${index}]`);
    if (tool.type === 'function') {
      onlyKeys(tool, ['type', 'name', 'description', 'parameters', 'strict'], `${param}[${index}]`);
      if (typeof tool.name !== 'string') throw missingParameter(`${param}[${index}].name`);
      if (!FUNCTION_NAME.test(tool.name))
        throw new LiveProtocolError(
          'invalid_value',
          `Invalid '${param}[${index}].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
          `${param}[${index}].name`,
        );
      if (tool.parameters !== undefined && tool.parameters !== null)
        object(tool.parameters, `${param}[${index}].parameters`);
      return tool;
    }
    if (typeof tool.type === 'string' && HOSTED_TOOLS.has(tool.type)) return tool;
    throw invalidValue(`${param}[${index}].type`, tool.type, ['function', ...HOSTED_TOOLS]);
  });
}

function checkResponses(value: unknown, param: string, requireModel: boolean): Json {
  const responses = object(value, param);
  for (const key of Object.keys(responses))
    if (!RESPONSES_FIELDS.has(key)) throw unknownParameter(`${param}.${key}`);
  if (requireModel && typeof responses.model !== 'string') throw missingParameter(`${param}.model`);
  if (responses.model !== undefined && typeof responses.model !== 'string')
    throw invalidType(`${param}.model`, 'a string', responses.model);
  if (
    responses.instructions !== undefined &&
    responses.instructions !== null &&
    typeof responses.instructions !== 'string'
  )
    throw invalidType(`${param}.instructions`, 'a string', responses.instructions);
  if (responses.tools !== undefined) checkTools(responses.tools, `${param}.tools`);
  const max = responses.max_output_tokens;
  if (
    max !== undefined &&
    max !== null &&
    (typeof max !== 'number' || !Number.isInteger(max) || max < 16)
  )
    throw new LiveProtocolError(
      'integer_below_min_value',
      `Invalid '${param}.max_output_tokens': integer below minimum value. Expected a value >= 16, but got ${JSON.stringify(max)} instead.`,
      `${param}.max_output_tokens`,
    );
  const tier = responses.service_tier;
  if (
    tier !== undefined &&
    tier !== null &&
    (typeof tier !== 'string' || !SERVICE_TIERS.includes(tier))
  )
    throw invalidValue(`${param}.service_tier`, tier, SERVICE_TIERS);
  return responses;
}

/** Checks a `delegation` object (start: models required; update: sparse). */
function checkDelegation(value: unknown, param: string, sparse: boolean): Json {
  if (value === null) return { type: 'client' };
  const delegation = object(value, param);
  const type = delegation.type;
  if (type === 'client') {
    onlyKeys(delegation, ['type', 'acknowledgement_delay_ms'], param);
    return delegation;
  }
  if (type === 'responses') {
    onlyKeys(delegation, ['type', 'responses', 'acknowledgement_delay_ms'], param);
    if (delegation.responses === undefined && !sparse) throw missingParameter(`${param}.responses`);
    if (delegation.responses !== undefined)
      checkResponses(delegation.responses, `${param}.responses`, !sparse);
    return delegation;
  }
  if (type === 'decisions') {
    onlyKeys(delegation, ['type', 'decisions', 'acknowledgement_delay_ms'], param);
    if (delegation.decisions === undefined && !sparse) throw missingParameter(`${param}.decisions`);
    return delegation;
  }
  throw invalidValue(`${param}.type`, type, ['client', 'responses', 'decisions']);
}

function checkClient(value: unknown): Json {
  const client = object(value, 'session.client');
  onlyKeys(client, ['data_channel'], 'session.client');
  const channel = object(client.data_channel, 'session.client.data_channel');
  onlyKeys(
    channel,
    ['allowed_client_events', 'allowed_server_events'],
    'session.client.data_channel',
  );
  for (const key of ['allowed_client_events', 'allowed_server_events']) {
    const list = channel[key];
    if (list === undefined || list === 'all') continue;
    if (!Array.isArray(list))
      throw invalidType(`session.client.data_channel.${key}`, "'all' or an array", list);
    if (list.length > 256)
      throw new LiveProtocolError(
        'array_above_max_length',
        `Invalid 'session.client.data_channel.${key}': at most 256 entries.`,
        `session.client.data_channel.${key}`,
      );
  }
  return client;
}

/**
 * Validates a startup config (`session.start.session`, or the `session` of `POST /v1/live/sessions`)
 * strictly, as GPT-Live does (unknown fields → `unknown_parameter` naming the path), and resolves
 * it with the defaults the real server fills in: PCM16 24 kHz (WebSocket only), `marin`, client
 * delegation, `input: []`, `status: "active"`.
 */
export function resolveStartConfig(
  value: unknown,
  transport: LiveConfigTransport,
  init: { id: string; expiresAt: number },
): LiveSessionResource {
  const session = object(value, 'session');
  onlyKeys(
    session,
    [
      'model',
      'instructions',
      'input',
      'audio',
      'delegation',
      'client',
      'store',
      'safety_identifier',
      'triggers',
    ],
    'session',
  );
  if (session.model === undefined) throw missingParameter('session.model');
  if (typeof session.model !== 'string' || !session.model)
    throw invalidType('session.model', 'a string', session.model);
  // Assumption (reference §0): the Live endpoint refuses other models as /v1/realtime refuses Live ones.
  if (!isLiveModel(session.model))
    throw new LiveProtocolError(
      'invalid_model',
      `Model '${session.model}' is not supported on /v1/live/sessions; use a GPT-Live model such as 'gpt-live-1'.`,
      'session.model',
    );
  if (session.instructions !== undefined && session.instructions !== null) {
    if (typeof session.instructions !== 'string')
      throw invalidType('session.instructions', 'a string', session.instructions);
    if (session.instructions.length > MAX_INSTRUCTIONS_CHARS)
      throw new LiveProtocolError(
        'string_above_max_length',
        `Invalid 'session.instructions': string too long. Instructions take at most 16384 tokens.`,
        'session.instructions',
      );
  }
  const audio = session.audio === undefined ? {} : object(session.audio, 'session.audio');
  onlyKeys(audio, transport === 'websocket' ? ['format', 'output'] : ['output'], 'session.audio');
  const output = audio.output === undefined ? {} : object(audio.output, 'session.audio.output');
  onlyKeys(output, ['voice'], 'session.audio.output');
  const resource: LiveSessionResource = {
    id: init.id,
    expires_at: init.expiresAt,
    model: session.model,
    status: 'active',
    input: session.input === undefined ? [] : checkInput(session.input),
    audio: {
      ...(transport === 'websocket'
        ? {
            format:
              audio.format === undefined
                ? { type: 'audio/pcm', rate: 24000 }
                : checkFormat(audio.format, 'session.audio.format'),
          }
        : {}),
      output: {
        voice:
          output.voice === undefined
            ? DEFAULT_LIVE_VOICE
            : checkVoice(output.voice, 'session.audio.output.voice'),
      },
    },
    delegation:
      session.delegation === undefined
        ? { type: 'client' }
        : checkDelegation(session.delegation, 'session.delegation', false),
  };
  if (typeof session.instructions === 'string') resource.instructions = session.instructions;
  if (session.client !== undefined) resource.client = checkClient(session.client);
  if (session.store !== undefined) {
    if (typeof session.store !== 'boolean')
      throw invalidType('session.store', 'a boolean', session.store);
    resource.store = session.store;
  }
  if (session.safety_identifier !== undefined)
    resource.safety_identifier = session.safety_identifier as string | null;
  if (session.triggers !== undefined) {
    if (!Array.isArray(session.triggers))
      throw invalidType('session.triggers', 'an array', session.triggers);
    resource.triggers = session.triggers as Json[];
  }
  return resource;
}

/**
 * Applies a `session.update`: only `delegation` (same type; `responses` settings merged sparsely)
 * and `triggers` may change; another field is `unknown_parameter`, a type change (or `null` on a
 * Responses session) `immutable_field_update`. Returns the new resource.
 */
export function applyLiveUpdate(current: LiveSessionResource, value: unknown): LiveSessionResource {
  const update = object(value, 'session');
  onlyKeys(update, ['delegation', 'triggers'], 'session');
  const next: LiveSessionResource = { ...current };
  if (update.delegation !== undefined) {
    const currentType = current.delegation.type;
    if (update.delegation === null) {
      if (currentType !== 'client') throw immutable();
    } else {
      const delegation = checkDelegation(update.delegation, 'session.delegation', true);
      if (delegation.type !== currentType) throw immutable();
      const merged: Json = { ...current.delegation, ...delegation };
      if (currentType === 'responses' && isObject(delegation.responses))
        merged.responses = { ...(current.delegation.responses as Json), ...delegation.responses };
      next.delegation = merged;
    }
  }
  if (update.triggers !== undefined) {
    if (!Array.isArray(update.triggers))
      throw invalidType('session.triggers', 'an array', update.triggers);
    next.triggers = update.triggers as Json[];
  }
  return next;
}

function immutable(): LiveProtocolError {
  return new LiveProtocolError(
    'immutable_field_update',
    "Cannot update 'session.delegation.type' after the session has started.",
    'session.delegation.type',
  );
}

/**
 * Resolves a fork: the source's model, voice, instructions and input, with the overrides a fork
 * may carry (`store`, a Responses `delegation` when the source used Responses, `audio.format` on
 * WebSocket — not inherited; `client` only on a media fork).
 */
export function resolveForkConfig(
  source: LiveSessionResource,
  value: unknown,
  transport: LiveConfigTransport,
  init: { id: string; expiresAt: number; history: Json[] },
): LiveSessionResource {
  const overrides = object(value, 'session');
  onlyKeys(
    overrides,
    transport === 'websocket'
      ? ['audio', 'delegation', 'store']
      : ['client', 'delegation', 'store'],
    'session',
  );
  const resource: LiveSessionResource = {
    ...source,
    id: init.id,
    expires_at: init.expiresAt,
    input: [...source.input, ...init.history].slice(-MAX_INPUT_ITEMS),
    audio: { output: source.audio.output },
  };
  delete resource.client;
  delete resource.store;
  if (transport === 'websocket') {
    const audio = overrides.audio === undefined ? {} : object(overrides.audio, 'session.audio');
    onlyKeys(audio, ['format'], 'session.audio');
    resource.audio.format =
      audio.format === undefined
        ? { type: 'audio/pcm', rate: 24000 }
        : checkFormat(audio.format, 'session.audio.format');
  } else if (overrides.client !== undefined) resource.client = checkClient(overrides.client);
  else if (source.client) resource.client = source.client;
  if (overrides.delegation !== undefined) {
    const delegation = checkDelegation(overrides.delegation, 'session.delegation', true);
    if (delegation.type !== 'responses' || source.delegation.type !== 'responses')
      throw new LiveProtocolError(
        'invalid_value',
        "A fork may override 'session.delegation' only with Responses settings, and only when the source session used Responses delegation.",
        'session.delegation',
      );
    resource.delegation = {
      ...source.delegation,
      ...delegation,
      responses: {
        ...(source.delegation.responses as Json),
        ...(delegation.responses as Json | undefined),
      },
    };
  }
  if (overrides.store !== undefined) {
    if (typeof overrides.store !== 'boolean')
      throw invalidType('session.store', 'a boolean', overrides.store);
    resource.store = overrides.store;
  }
  return resource;
}
