import { bytesToMs, checkAudioFormat, decodeStrictBase64 } from './audio-format.js';
import type { Conversation, StoredItem } from './conversation.js';
import { EmulatorProtocolError, describeJsonType, invalidValue } from './errors.js';
import { createCallId, createId } from './ids.js';
import type { AudioFormat } from './session-config.js';

type Json = Record<string, unknown>;

/** Client-chosen item ids are at most 32 characters, as upstream. */
const MAX_ITEM_ID_LENGTH = 32;

/** What validating a client item needs from the connection. */
export interface ClientItemContext {
  conversation: Conversation;
  /** The session's input format (for `input_audio` parts). */
  inputFormat: AudioFormat;
  /** The next words a test supplied with `emulator.transcript`, if any. */
  takeTranscript: () => string | undefined;
  /** Check ids against the conversation (false for `response.input` items, which are not added). */
  checkIds: boolean;
}

/** A client item's fields, after the check that it is an object. */
interface ItemSource {
  fields: Json;
  /** Where the item sits in the client event (`item`, `response.input[0]`, …). */
  param: string;
  context: ClientItemContext;
}

function missing(param: string): EmulatorProtocolError {
  return new EmulatorProtocolError(
    'missing_required_parameter',
    `Missing required parameter: '${param}'.`,
    param,
  );
}

function requireString({ fields, param }: ItemSource, key: string): string {
  const value = fields[key];
  if (value === undefined) throw missing(`${param}.${key}`);
  if (typeof value !== 'string') {
    throw new EmulatorProtocolError(
      'invalid_type',
      `Invalid type for '${param}.${key}': expected a string, but got ${describeJsonType(value)} instead.`,
      `${param}.${key}`,
    );
  }
  return value;
}

/** The client's id for the item (checked), or a new one. */
function itemId(source: ItemSource): string {
  if (source.fields.id === undefined) return createId('item');
  const { param, context } = source;
  const id = requireString(source, 'id');
  if (id.length > MAX_ITEM_ID_LENGTH) {
    throw new EmulatorProtocolError(
      'string_above_max_length',
      `Invalid '${param}.id': string too long. Expected a string with maximum length ${MAX_ITEM_ID_LENGTH}, but got a string with length ${id.length} instead.`,
      `${param}.id`,
    );
  }
  if (context.checkIds && context.conversation.get(id)) {
    throw new EmulatorProtocolError(
      'invalid_value',
      `Item with id '${id}' already exists.`,
      `${param}.id`,
    );
  }
  return id;
}

/** Adds an `input_audio` part: its audio (checked against the session's format) and spoken text. */
function addAudioPart(item: StoredItem, part: Json, partParam: string, context: ClientItemContext) {
  const { inputFormat } = context;
  let audioMs = 0;
  if (part.audio !== undefined) {
    if (typeof part.audio !== 'string')
      throw new EmulatorProtocolError(
        'invalid_type',
        `Invalid type for '${partParam}.audio': expected a string, but got ${describeJsonType(part.audio)} instead.`,
        `${partParam}.audio`,
      );
    const bytes = decodeStrictBase64(part.audio, `${partParam}.audio`);
    checkAudioFormat(bytes, inputFormat, `${partParam}.audio`);
    item.audio = [bytes];
    item.audioFormat = inputFormat;
    audioMs = bytesToMs(bytes.length, inputFormat);
  }
  item.audioMs = audioMs;
  const transcript = typeof part.transcript === 'string' ? part.transcript : null;
  if (transcript !== null) {
    item.spokenText = transcript;
    item.spokenTextSupplied = true;
  } else {
    const supplied = context.takeTranscript();
    item.spokenText = supplied ?? `[speech ${(audioMs / 1000).toFixed(1)} s]`;
    item.spokenTextSupplied = supplied !== undefined;
  }
  item.content!.push({ type: 'input_audio', transcript });
}

type MessageRole = 'user' | 'assistant' | 'system';

/** Checks one content part of a message and adds it to `item`. */
function addContentPart(
  item: StoredItem,
  rawPart: unknown,
  partParam: string,
  role: MessageRole,
  context: ClientItemContext,
): void {
  const allowed =
    role === 'user'
      ? ['input_text', 'input_audio', 'input_image']
      : role === 'system'
        ? ['input_text']
        : ['output_text', 'text'];
  const part = (rawPart ?? {}) as Json;
  if (role === 'assistant' && (part.type === 'output_audio' || part.type === 'audio')) {
    throw new EmulatorProtocolError(
      'invalid_value',
      `Invalid '${partParam}.type': assistant messages with audio cannot be created by the client.`,
      `${partParam}.type`,
    );
  }
  if (typeof part.type !== 'string' || !allowed.includes(part.type))
    throw invalidValue(`${partParam}.type`, part.type, allowed);
  if (part.type === 'input_audio') {
    addAudioPart(item, part, partParam, context);
  } else if (part.type === 'input_image') {
    item.content!.push({
      type: 'input_image',
      image_url: part.image_url,
      detail: part.detail ?? 'auto',
    });
  } else {
    if (typeof part.text !== 'string') throw missing(`${partParam}.text`);
    item.content!.push({
      type: part.type === 'text' ? 'output_text' : part.type,
      text: part.text,
    });
  }
}

function buildMessage(source: ItemSource, id: string): StoredItem {
  const { fields, param } = source;
  const role = fields.role;
  if (role !== 'user' && role !== 'assistant' && role !== 'system') {
    if (role === undefined) throw missing(`${param}.role`);
    throw invalidValue(`${param}.role`, role, ['user', 'assistant', 'system']);
  }
  if (!Array.isArray(fields.content)) {
    if (fields.content === undefined) throw missing(`${param}.content`);
    throw new EmulatorProtocolError(
      'invalid_type',
      `Invalid type for '${param}.content': expected an array, but got ${describeJsonType(fields.content)} instead.`,
      `${param}.content`,
    );
  }
  const item: StoredItem = { id, type: 'message', status: 'completed', role, content: [] };
  fields.content.forEach((rawPart: unknown, index) =>
    addContentPart(item, rawPart, `${param}.content[${index}]`, role, source.context),
  );
  return item;
}

function buildFunctionCall(source: ItemSource, id: string): StoredItem {
  const { fields } = source;
  return {
    id,
    type: 'function_call',
    status: 'completed',
    name: requireString(source, 'name'),
    call_id: typeof fields.call_id === 'string' ? fields.call_id : createCallId(),
    arguments: typeof fields.arguments === 'string' ? fields.arguments : '{}',
  };
}

function buildFunctionCallOutput(source: ItemSource, id: string): StoredItem {
  const { param, context } = source;
  const callId = requireString(source, 'call_id');
  const output = requireString(source, 'output');
  if (context.checkIds && !context.conversation.findCall(callId)) {
    throw new EmulatorProtocolError(
      'invalid_value',
      `Invalid value for '${param}.call_id': no function call with call_id '${callId}' found in the conversation.`,
      `${param}.call_id`,
    );
  }
  return { id, type: 'function_call_output', status: 'completed', call_id: callId, output };
}

function buildMcpApprovalResponse(source: ItemSource, id: string): StoredItem {
  const { fields, param, context } = source;
  const requestId = requireString(source, 'approval_request_id');
  if (typeof fields.approve !== 'boolean')
    throw new EmulatorProtocolError(
      fields.approve === undefined ? 'missing_required_parameter' : 'invalid_type',
      fields.approve === undefined
        ? `Missing required parameter: '${param}.approve'.`
        : `Invalid type for '${param}.approve': expected a boolean, but got ${describeJsonType(fields.approve)} instead.`,
      `${param}.approve`,
    );
  const request = context.conversation.get(requestId);
  if (context.checkIds && request?.type !== 'mcp_approval_request') {
    throw new EmulatorProtocolError(
      'invalid_value',
      `Invalid value for '${param}.approval_request_id': no MCP approval request with id '${requestId}' found in the conversation.`,
      `${param}.approval_request_id`,
    );
  }
  return {
    id,
    type: 'mcp_approval_response',
    status: 'completed',
    approval_request_id: requestId,
    approve: fields.approve,
    reason: typeof fields.reason === 'string' ? fields.reason : null,
  };
}

/** The item types a client may create, each with its builder (the error lists them in this order). */
const builders: Record<string, (source: ItemSource, id: string) => StoredItem> = {
  message: buildMessage,
  function_call: buildFunctionCall,
  function_call_output: buildFunctionCallOutput,
  mcp_approval_response: buildMcpApprovalResponse,
};

/**
 * Validates a client-supplied item (`conversation.item.create` or `response.input`) and builds the
 * stored item, or throws the error the real server sends (`param` points into `param`).
 */
export function buildClientItem(
  raw: unknown,
  param: string,
  context: ClientItemContext,
): StoredItem {
  if (raw === undefined) throw missing(param);
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new EmulatorProtocolError(
      'invalid_type',
      `Invalid type for '${param}': expected an object, but got ${describeJsonType(raw)} instead.`,
      param,
    );
  }
  const source: ItemSource = { fields: raw as Json, param, context };
  // The id is checked before the type, as upstream does.
  const id = itemId(source);
  const type = source.fields.type ?? 'message';
  const build =
    typeof type === 'string' && Object.hasOwn(builders, type) ? builders[type] : undefined;
  if (!build) throw invalidValue(`${param}.type`, type, Object.keys(builders));
  return build(source, id);
}
