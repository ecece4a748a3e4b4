import type { FunctionCallItem, MessageItem } from '../types.js';

/**
 * A completed assistant audio message (2 s of audio), for snapshots in tests.
 *
 * @example
 * ```ts
 * assistantMessage('a1', 'Our fees are paid by the seller.', { interrupted: true, heardText: 'Our fees' });
 * ```
 */
export function assistantMessage(
  id: string,
  text: string,
  patch: Partial<MessageItem> = {},
): MessageItem {
  return {
    type: 'message',
    id,
    role: 'assistant',
    status: 'completed',
    modality: 'audio',
    text,
    streaming: false,
    interrupted: false,
    heardText: null,
    audioEndMs: null,
    audioMs: 2000,
    transcriptionError: null,
    responseId: 'resp_1',
    createdAt: 0,
    ...patch,
  };
}

/** A completed user audio message, for snapshots in tests. */
export function userMessage(id: string, text = '', patch: Partial<MessageItem> = {}): MessageItem {
  return {
    type: 'message',
    id,
    role: 'user',
    status: 'completed',
    modality: 'audio',
    text,
    streaming: false,
    interrupted: false,
    heardText: null,
    audioEndMs: null,
    audioMs: 0,
    transcriptionError: null,
    responseId: null,
    createdAt: 0,
    ...patch,
  };
}

/** A completed client function call, for snapshots in tests. */
export function functionCallItem(patch: Partial<FunctionCallItem> = {}): FunctionCallItem {
  return {
    type: 'function_call',
    id: 'item_call',
    callId: 'call_1',
    name: 'lookup_order',
    arguments: '{}',
    status: 'completed',
    executor: 'client',
    output: null,
    error: null,
    durationMs: null,
    responseId: 'resp_1',
    createdAt: 0,
    ...patch,
  };
}
