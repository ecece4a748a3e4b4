import type { ReactNode } from 'react';
import type { McpApprovalRequestItem, McpCallItem } from '@parley/core';
import { ToolCard } from './tool-call-card.js';

const callStatus: Record<McpCallItem['status'], string> = {
  streaming: 'Preparing',
  running: 'Running on server',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

const decisionText: Record<McpApprovalRequestItem['decision'], string> = {
  pending: 'Awaiting approval',
  approved: 'Approved',
  denied: 'Denied',
};

/** The badge class of a decision, matching the function tool card's colours. */
const decisionBadge: Record<McpApprovalRequestItem['decision'], string> = {
  pending: 'running',
  approved: 'completed',
  denied: 'failed',
};

/**
 * A call of a tool on a remote MCP server, drawn like a function tool card: the server (OpenAI)
 * runs it, so there is no duration measured here, and the footer names the MCP server.
 */
export function McpCallCard({ item }: { item: McpCallItem }): ReactNode {
  return (
    <ToolCard
      label={`MCP tool call ${item.name}`}
      tone={item.status}
      icon="⧉"
      name={item.name}
      badge={callStatus[item.status]}
      args={item.arguments}
      error={item.error ? { code: item.error.type, message: item.error.message } : null}
      output={item.output}
      footer={`Run by MCP server ${item.serverLabel}${item.approvalRequestId ? ', approved' : ''}`}
    />
  );
}

/**
 * The model asked to call a tool whose MCP server requires approval. The agent's policy (or the
 * app's handler) decides; the page shows the request and the decision.
 */
export function McpApprovalCard({ item }: { item: McpApprovalRequestItem }): ReactNode {
  return (
    <ToolCard
      label={`Approval request ${item.name}`}
      tone={decisionBadge[item.decision]}
      icon="?"
      name={item.name}
      badge={decisionText[item.decision]}
      args={item.arguments}
      reason={item.reason}
      footer={`MCP server ${item.serverLabel}`}
    />
  );
}
