import { EmulatorProtocolError, describeJsonType, invalidValue } from './errors.js';
import type { StoredItem } from './conversation.js';
import { REASONING_EFFORTS, type ReasoningEffort } from '@parley/core';
import type { Dialect } from './dialect.js';
import { parseTool, type SessionState } from './session-config.js';

type Json = Record<string, unknown>;

/** Per-response overrides of `response.create` (GA and beta names). */
export interface ResponseOverrides {
  conversation: 'auto' | 'none';
  instructions?: string;
  outputModalities?: Array<'audio' | 'text'>;
  voice?: string;
  tools?: SessionState['tools'];
  toolChoice?: unknown;
  metadata: unknown;
  input?: StoredItem[];
  maxOutputTokens?: number | 'inf';
  /** `reasoning.effort` for this response (reasoning models). */
  reasoningEffort?: ReasoningEffort | null;
  parallelToolCalls?: boolean;
}

/** Beta names of `response.create.response` that GA refuses (`unknown_parameter`). */
const BETA_ONLY_RESPONSE_FIELDS = new Set([
  'modalities',
  'voice',
  'output_audio_format',
  'temperature',
  'max_response_output_tokens',
]);

/** A response that follows the session as it is, in the default conversation. */
export function defaultOverrides(): ResponseOverrides {
  return { conversation: 'auto', metadata: null };
}

function wrongType(param: string, expected: string, value: unknown): EmulatorProtocolError {
  return new EmulatorProtocolError(
    'invalid_type',
    `Invalid type for '${param}': expected ${expected}, but got ${describeJsonType(value)} instead.`,
    param,
  );
}

/** Refuses a field the dialect does not know (`unknown_parameter`). */
function checkKnownFields(source: Json, dialect: Dialect): void {
  const known = new Set([
    'audio',
    'conversation',
    'input',
    'instructions',
    'max_output_tokens',
    'metadata',
    'output_modalities',
    'prompt',
    'tool_choice',
    'tools',
    'reasoning',
    'parallel_tool_calls',
    ...(dialect === 'beta' ? BETA_ONLY_RESPONSE_FIELDS : []),
  ]);
  for (const key of Object.keys(source)) {
    if (!known.has(key))
      throw new EmulatorProtocolError(
        'unknown_parameter',
        `Unknown parameter: 'response.${key}'.`,
        `response.${key}`,
      );
  }
}

/** `conversation`, `instructions`, output modalities (GA or beta name) and voice. */
function parseConversationAndOutput(source: Json, overrides: ResponseOverrides): void {
  if (source.conversation !== undefined) {
    if (source.conversation !== 'auto' && source.conversation !== 'none')
      throw invalidValue('response.conversation', source.conversation, ['auto', 'none']);
    overrides.conversation = source.conversation;
  }
  if (source.instructions !== undefined) {
    if (typeof source.instructions !== 'string')
      throw wrongType('response.instructions', 'a string', source.instructions);
    overrides.instructions = source.instructions;
  }
  const modalities = source.output_modalities ?? source.modalities;
  if (modalities !== undefined) {
    const param =
      source.output_modalities !== undefined ? 'response.output_modalities' : 'response.modalities';
    if (
      !Array.isArray(modalities) ||
      modalities.length === 0 ||
      modalities.some((m) => m !== 'audio' && m !== 'text')
    )
      throw invalidValue(param, modalities, ['audio', 'text']);
    overrides.outputModalities = modalities.includes('audio') ? ['audio'] : ['text'];
  }
  const voice =
    (source.audio as { output?: { voice?: unknown } } | undefined)?.output?.voice ?? source.voice;
  if (typeof voice === 'string') overrides.voice = voice;
}

/** `tools`, `reasoning`, `parallel_tool_calls`, `tool_choice` and `metadata`. */
function parseToolsAndReasoning(source: Json, overrides: ResponseOverrides): void {
  if (source.tools !== undefined) {
    if (!Array.isArray(source.tools)) throw wrongType('response.tools', 'an array', source.tools);
    overrides.tools = source.tools.map((tool: unknown, index) => {
      const checked = parseTool(tool, `response.tools[${index}]`);
      if (!checked.ok) throw checked.error;
      return checked.tool;
    });
  }
  if (source.reasoning !== undefined && source.reasoning !== null) {
    const effort = (source.reasoning as { effort?: unknown }).effort;
    if (
      typeof source.reasoning !== 'object' ||
      Array.isArray(source.reasoning) ||
      Object.keys(source.reasoning).some((key) => key !== 'effort')
    )
      throw new EmulatorProtocolError(
        'invalid_type',
        `Invalid type for 'response.reasoning': expected an object with 'effort', but got ${JSON.stringify(source.reasoning)} instead.`,
        'response.reasoning',
      );
    if (
      effort !== undefined &&
      effort !== null &&
      !REASONING_EFFORTS.includes(effort as ReasoningEffort)
    )
      throw invalidValue('response.reasoning.effort', effort, [...REASONING_EFFORTS]);
    overrides.reasoningEffort = (effort ?? null) as ReasoningEffort | null;
  }
  if (source.parallel_tool_calls !== undefined) {
    if (typeof source.parallel_tool_calls !== 'boolean')
      throw wrongType('response.parallel_tool_calls', 'a boolean', source.parallel_tool_calls);
    overrides.parallelToolCalls = source.parallel_tool_calls;
  }
  if (source.tool_choice !== undefined) overrides.toolChoice = source.tool_choice;
  if (source.metadata !== undefined) overrides.metadata = source.metadata;
}

/** `max_output_tokens` (beta: `max_response_output_tokens`): 1 to 4096 or `"inf"`. */
function parseMaxTokens(source: Json, overrides: ResponseOverrides): void {
  const maxTokens = source.max_output_tokens ?? source.max_response_output_tokens;
  if (maxTokens === undefined) return;
  const param =
    source.max_output_tokens !== undefined
      ? 'response.max_output_tokens'
      : 'response.max_response_output_tokens';
  if (
    maxTokens !== 'inf' &&
    !(
      typeof maxTokens === 'number' &&
      Number.isInteger(maxTokens) &&
      maxTokens >= 1 &&
      maxTokens <= 4096
    )
  ) {
    throw new EmulatorProtocolError(
      'invalid_value',
      `Invalid '${param}': expected an integer from 1 to 4096 or "inf", but got ${JSON.stringify(maxTokens)}.`,
      param,
    );
  }
  overrides.maxOutputTokens = maxTokens;
}

/**
 * Validates `response.create.response` (GA or beta fields) into overrides, or throws the error
 * the real server sends. `resolveInput` turns each `input[]` entry into an item (an
 * `item_reference` or an inline item).
 */
export function parseResponseOverrides(
  raw: unknown,
  resolveInput: (entry: unknown, param: string) => StoredItem,
  dialect: Dialect = 'ga',
): ResponseOverrides {
  const overrides = defaultOverrides();
  if (raw === undefined || raw === null) return overrides;
  if (typeof raw !== 'object' || Array.isArray(raw)) throw wrongType('response', 'an object', raw);
  const source = raw as Json;
  // In this order: the first invalid field is the one the error names, as upstream.
  checkKnownFields(source, dialect);
  parseConversationAndOutput(source, overrides);
  parseToolsAndReasoning(source, overrides);
  parseMaxTokens(source, overrides);
  if (source.input !== undefined) {
    if (!Array.isArray(source.input)) throw wrongType('response.input', 'an array', source.input);
    overrides.input = source.input.map((entry: unknown, index) =>
      resolveInput(entry, `response.input[${index}]`),
    );
  }
  return overrides;
}
