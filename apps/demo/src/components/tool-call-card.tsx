import type { ReactNode } from 'react';
import type { FunctionCallItem } from '@parley/core';
import { formatDuration, formatJson } from '../lib/format.js';

/** What one tool card shows: function tool calls, MCP calls and MCP approval requests alike. */
export interface ToolCardProps {
  /** The card's accessible name. */
  label: string;
  /** Colours the card and its badge (`running`, `completed`, `failed`, …). */
  tone: string;
  icon: string;
  name: string;
  badge: string;
  /** Extra header content (a function call's duration). */
  aside?: ReactNode;
  /** The call's arguments (JSON text, pretty-printed here). */
  args: string;
  error?: { code: string; message: string } | null;
  /** The result (JSON text, pretty-printed here). */
  output?: string | null;
  /** Why an approval was decided as it was. */
  reason?: string | null;
  footer: ReactNode;
}

/** A tool card: header with name and status, arguments, error or result, and who ran it. */
export function ToolCard(props: ToolCardProps): ReactNode {
  const output = formatJson(props.output ?? null);
  return (
    <article className={`tool-card tool-card--${props.tone}`} aria-label={props.label}>
      <header className="tool-card__header">
        <span className="tool-card__icon" aria-hidden="true">
          {props.icon}
        </span>
        <code className="tool-card__name">{props.name}</code>
        <span className={`badge badge--${props.tone}`}>{props.badge}</span>
        {props.aside}
      </header>
      <dl className="tool-card__body">
        <dt>Arguments</dt>
        <dd>
          {/* Focusable: a long value scrolls sideways, and the keyboard must reach it too. */}
          <pre tabIndex={0}>{formatJson(props.args) || '{}'}</pre>
        </dd>
        {props.error ? (
          <>
            <dt>Error</dt>
            <dd className="tool-card__error">
              <code>{props.error.code}</code> {props.error.message}
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
        {props.reason ? (
          <>
            <dt>Reason</dt>
            <dd>{props.reason}</dd>
          </>
        ) : null}
      </dl>
      <footer className="tool-card__footer">{props.footer}</footer>
    </article>
  );
}

const statusText: Record<FunctionCallItem['status'], string> = {
  streaming: 'Preparing',
  running: 'Running',
  awaiting_server: 'Running on server',
  completed: 'Done',
  failed: 'Failed',
  cancelled: 'Cancelled',
};

/** One tool call: name, arguments, result (or error) and how long it took. */
export function ToolCallCard({ item }: { item: FunctionCallItem }): ReactNode {
  return (
    <ToolCard
      label={`Tool call ${item.name}`}
      tone={item.status}
      icon="ƒ"
      name={item.name}
      badge={statusText[item.status]}
      aside={
        <span className="tool-card__duration" title="Tool duration">
          {formatDuration(item.durationMs)}
        </span>
      }
      args={item.arguments}
      error={item.error}
      output={item.output}
      footer={item.executor === 'server' ? 'Run by the server' : 'Run in this page'}
    />
  );
}
