import type { FunctionCallItem } from '@parley/core';
import { functionCallItem } from '@parley/core/test-utils';

export { assistantMessage } from '@parley/core/test-utils';

/** A knowledge-base call the relay ran, as the demo's agents make them. */
export function functionCall(patch: Partial<FunctionCallItem> = {}): FunctionCallItem {
  return functionCallItem({
    name: 'search_knowledge_base',
    arguments: '{"query":"fees"}',
    executor: 'server',
    output: '{"results":[{"title":"Fees"}]}',
    durationMs: 142,
    ...patch,
  });
}
