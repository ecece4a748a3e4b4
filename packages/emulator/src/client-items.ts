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

/**
 * Validates a client-supplied item (`conversation.item.create` or `response.input`) and builds the
 * stored item, or throws the error the real server sends (`param` points into `param`).
 */
export function buildClientItem(
  raw: unknown,
  param: string,
  context: ClientItemContext,
): StoredItem {
  const { conversation, inputFormat, checkIds } = context;
  if (raw === undefined)
    throw new EmulatorProtocolError(
      'missing_required_parameter',
      `Missing required parameter: '${param}'.`,
      param,
    );
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new EmulatorProtocolError(
      'invalid_type',
      `Invalid type for '${param}': expected an object, but got ${describeJsonType(raw)} instead.`,
      param,
    );
  }
  const source = raw as Json;
  const requireString = (key: string): string => {
    const value = source[key];
    if (value === undefined)
      throw new EmulatorProtocolError(
        'missing_required_parameter',
        `Missing required parameter: '${param}.${key}'.`,
        `${param}.${key}`,
      );
    if (typeof value !== 'string') {
      throw new EmulatorProtocolError(
        'invalid_type',
        `Invalid type for '${param}.${key}': expected a string, but got ${describeJsonType(value)} instead.`,
        `${param}.${key}`,
      );
    }
    return value;
  };
  let id = createId('item');
  if (source.id !== undefined) {
    id = requireString('id');
    if (id.length > MAX_ITEM_ID_LENGTH) {
      throw new EmulatorProtocolError(
        'string_above_max_length',
        `Invalid '${param}.id': string too long. Expected a string with maximum length ${MAX_ITEM_ID_LENGTH}, but got a string with length ${id.length} instead.`,
        `${param}.id`,
      );
    }
    if (checkIds && conversation.get(id)) {
      throw new EmulatorProtocolError(
        'invalid_value',
        `Item with id '${id}' already exists.`,
        `${param}.id`,
      );
    }
  }
  const type = source.type ?? 'message';
  if (type === 'message') {
    const role = source.role;
    if (role !== 'user' && role !== 'assistant' && role !== 'system') {
      if (role === undefined)
        throw new EmulatorProtocolError(
          'missing_required_parameter',
          `Missing required parameter: '${param}.role'.`,
          `${param}.role`,
        );
      throw invalidValue(`${param}.role`, role, ['user', 'assistant', 'system']);
    }
    if (!Array.isArray(source.content)) {
      if (source.content === undefined)
        throw new EmulatorProtocolError(
          'missing_required_parameter',
          `Missing required parameter: '${param}.content'.`,
          `${param}.content`,
        );
      throw new EmulatorProtocolError(
        'invalid_type',
        `Invalid type for '${param}.content': expected an array, but got ${describeJsonType(source.content)} instead.`,
        `${param}.content`,
      );
    }
    const allowed =
      role === 'user'
        ? ['input_text', 'input_audio', 'input_image']
        : role === 'system'
          ? ['input_text']
          : ['output_text', 'text'];
    const item: StoredItem = { id, type: 'message', status: 'completed', role, content: [] };
    source.content.forEach((rawPart: unknown, index) => {
      const partParam = `${param}.content[${index}]`;
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
      } else if (part.type === 'input_image') {
        item.content!.push({
          type: 'input_image',
          image_url: part.image_url,
          detail: part.detail ?? 'auto',
        });
      } else {
        if (typeof part.text !== 'string')
          throw new EmulatorProtocolError(
            'missing_required_parameter',
            `Missing required parameter: '${partParam}.text'.`,
            `${partParam}.text`,
          );
        item.content!.push({
          type: part.type === 'text' ? 'output_text' : part.type,
          text: part.text,
        });
      }
    });
    return item;
  }
  if (type === 'function_call') {
    return {
      id,
      type: 'function_call',
      status: 'completed',
      name: requireString('name'),
      call_id: typeof source.call_id === 'string' ? source.call_id : createCallId(),
      arguments: typeof source.arguments === 'string' ? source.arguments : '{}',
    };
  }
  if (type === 'function_call_output') {
    const callId = requireString('call_id');
    const output = requireString('output');
    if (checkIds && !conversation.findCall(callId)) {
      throw new EmulatorProtocolError(
        'invalid_value',
        `Invalid value for '${param}.call_id': no function call with call_id '${callId}' found in the conversation.`,
        `${param}.call_id`,
      );
    }
    return { id, type: 'function_call_output', status: 'completed', call_id: callId, output };
  }
  if (type === 'mcp_approval_response') {
    const requestId = requireString('approval_request_id');
    if (typeof source.approve !== 'boolean')
      throw new EmulatorProtocolError(
        source.approve === undefined ? 'missing_required_parameter' : 'invalid_type',
        source.approve === undefined
          ? `Missing required parameter: '${param}.approve'.`
          : `Invalid type for '${param}.approve': expected a boolean, but got ${describeJsonType(source.approve)} instead.`,
        `${param}.approve`,
      );
    const request = conversation.get(requestId);
    if (checkIds && request?.type !== 'mcp_approval_request') {
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
      approve: source.approve,
      reason: typeof source.reason === 'string' ? source.reason : null,
    };
  }
  throw invalidValue(`${param}.type`, type, [
    'message',
    'function_call',
    'function_call_output',
    'mcp_approval_response',
  ]);
}
