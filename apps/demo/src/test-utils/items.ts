import type { FunctionCallItem, MessageItem } from '@parley/core';

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

export function functionCall(patch: Partial<FunctionCallItem> = {}): FunctionCallItem {
  return {
    type: 'function_call',
    id: 'item_call',
    callId: 'call_1',
    name: 'search_knowledge_base',
    arguments: '{"query":"fees"}',
    status: 'completed',
    executor: 'server',
    output: '{"results":[{"title":"Fees"}]}',
    error: null,
    durationMs: 142,
    responseId: 'resp_1',
    createdAt: 0,
    ...patch,
  };
}
