// Asking the app about an MCP approval request: one handler per session, sync or async, whose
// answer (or failure) always ends in exactly one decision, so a request never hangs because a
// handler threw.
import type { McpApprovalRequestItem } from '../types.js';
import type { McpApprovalAnswer, McpApprovalHandler } from './types.js';

/** What a handler failure answers: refused, since running a tool nobody approved is the risk. */
const FAILED_REASON = 'The approval handler failed.';

function normalize(answer: boolean | McpApprovalAnswer): {
  approve: boolean;
  reason: string | null;
} {
  if (typeof answer === 'boolean') return { approve: answer, reason: null };
  return { approve: answer.approve === true, reason: answer.reason ?? null };
}

/**
 * Runs `handler` for `request` and calls `decide` once with its answer. A handler that throws,
 * rejects or answers something else than a boolean or `{ approve }` refuses the call (and the
 * error goes to `onError`).
 */
export function askMcpApproval(
  handler: McpApprovalHandler,
  request: McpApprovalRequestItem,
  decide: (approve: boolean, reason: string | null) => void,
  onError: (error: unknown) => void,
): void {
  const fail = (error: unknown) => {
    onError(error);
    decide(false, FAILED_REASON);
  };
  let result: ReturnType<McpApprovalHandler>;
  try {
    result = handler(request);
  } catch (error) {
    fail(error);
    return;
  }
  void Promise.resolve(result).then((answer) => {
    if (typeof answer !== 'boolean' && (answer === null || typeof answer !== 'object')) {
      fail(new TypeError('An MCP approval handler must answer a boolean or { approve, reason? }'));
      return;
    }
    const { approve, reason } = normalize(answer);
    decide(approve, reason);
  }, fail);
}
