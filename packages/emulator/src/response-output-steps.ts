import type { StoredItem } from './conversation.js';
import type { McpServers } from './mcp-servers.js';
import { responseSteps } from './reply-rules/preamble.js';
import type { ReplyPlan } from './responder.js';
import type { ResponseHost } from './response-types.js';
import type { SessionState } from './session-config.js';

/** One output of a response: a reply step, or an MCP approval request or call. */
export type OutputStep =
  | ReplyPlan
  | { kind: 'mcp_approval_request'; serverLabel: string; name: string; arguments: string }
  | {
      kind: 'mcp_call';
      serverLabel: string;
      name: string;
      arguments: string;
      approvalRequestId: string | null;
    };

/** The step that answers an MCP approval the client just gave or refused, if the last item is one. */
function approvalAnswer(items: readonly StoredItem[]): OutputStep[] | null {
  const last = items.at(-1);
  if (last?.type !== 'mcp_approval_response') return null;
  const request = items.find(
    (item) => item.type === 'mcp_approval_request' && item.id === last.approval_request_id,
  );
  if (!request) return null;
  if (!last.approve)
    return [{ kind: 'message', text: `Okay, I won't run ${request.name ?? 'that tool'}.` }];
  return [
    {
      kind: 'mcp_call',
      serverLabel: request.server_label ?? '',
      name: request.name ?? '',
      arguments: request.arguments ?? '{}',
      approvalRequestId: request.id,
    },
  ];
}

/**
 * The outputs of a response. An MCP approval answered since the last request runs the call (or
 * says it will not); a planned call of an MCP tool becomes an `mcp_approval_request` when its
 * server's `require_approval` asks for one, else an `mcp_call` followed by the result in words.
 * A call on a gpt-realtime-2 family model is preceded by a preamble (`reply-rules/preamble.ts`).
 */
export function outputSteps(
  host: ResponseHost,
  plan: ReplyPlan,
  items: readonly StoredItem[],
  tools: SessionState['tools'],
  mcpTools: ReturnType<McpServers['toolDefinitions']>,
): OutputStep[] {
  const model = host.session().model;
  const answer = approvalAnswer(items);
  if (answer) return answer;
  const isFunction = (name: string) =>
    tools.some((tool) => tool.type === 'function' && tool.name === name);
  const mcp =
    plan.kind === 'function_call' && !isFunction(plan.name)
      ? mcpTools.find((tool) => tool.name === plan.name)
      : undefined;
  if (plan.kind === 'function_call' && mcp) {
    if (host.mcp.needsApproval(mcp.server_label, plan.name)) {
      return [
        {
          kind: 'mcp_approval_request',
          serverLabel: mcp.server_label,
          name: plan.name,
          arguments: plan.arguments,
        },
      ];
    }
    return [
      ...responseSteps(plan, model, host.preambles).filter((step) => step.kind === 'message'),
      {
        kind: 'mcp_call',
        serverLabel: mcp.server_label,
        name: plan.name,
        arguments: plan.arguments,
        approvalRequestId: null,
      },
    ];
  }
  return responseSteps(plan, model, host.preambles);
}
