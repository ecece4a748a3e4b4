import type { ReactNode } from 'react';
import type { McpApprovalRequestItem, McpCallItem } from '@parley/core';
import { formatJson } from '../lib/format.js';

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
  const output = formatJson(item.output);
  return (
    <article
      className={`tool-card tool-card--${item.status}`}
      aria-label={`MCP tool call ${item.name}`}
    >
      <header className="tool-card__header">
        <span className="tool-card__icon" aria-hidden="true">
          ⧉
        </span>
        <code className="tool-card__name">{item.name}</code>
        <span className={`badge badge--${item.status}`}>{callStatus[item.status]}</span>
      </header>
      <dl className="tool-card__body">
        <dt>Arguments</dt>
        <dd>
          <pre tabIndex={0}>{formatJson(item.arguments) || '{}'}</pre>
        </dd>
        {item.error ? (
          <>
            <dt>Error</dt>
            <dd className="tool-card__error">
              <code>{item.error.type}</code> {item.error.message}
            </dd>
          </>
        ) : null}
        {output ? (
          <>
            <dt>Result</dt>
            <dd>
              <pre tabIndex={0}>{output}</pre>
            </dd>
          </>
        ) : null}
      </dl>
      <footer className="tool-card__footer">
        Run by MCP server {item.serverLabel}
        {item.approvalRequestId ? ', approved' : ''}
      </footer>
    </article>
  );
}

/**
 * The model asked to call a tool whose MCP server requires approval. The agent's policy (or the
 * app's handler) decides; the page shows the request and the decision.
 */
export function McpApprovalCard({ item }: { item: McpApprovalRequestItem }): ReactNode {
  return (
    <article
      className={`tool-card tool-card--${decisionBadge[item.decision]}`}
      aria-label={`Approval request ${item.name}`}
    >
      <header className="tool-card__header">
        <span className="tool-card__icon" aria-hidden="true">
          ?
        </span>
        <code className="tool-card__name">{item.name}</code>
        <span className={`badge badge--${decisionBadge[item.decision]}`}>
          {decisionText[item.decision]}
        </span>
      </header>
      <dl className="tool-card__body">
        <dt>Arguments</dt>
        <dd>
          <pre tabIndex={0}>{formatJson(item.arguments) || '{}'}</pre>
        </dd>
        {item.reason ? (
          <>
            <dt>Reason</dt>
            <dd>{item.reason}</dd>
          </>
        ) : null}
      </dl>
      <footer className="tool-card__footer">MCP server {item.serverLabel}</footer>
    </article>
  );
}
