import type { ReactNode } from 'react';
import type { FunctionCallItem } from '@parley/core';
import { formatDuration, formatJson } from '../lib/format.js';

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
  const args = formatJson(item.arguments);
  const output = formatJson(item.output);
  return (
    <article
      className={`tool-card tool-card--${item.status}`}
      aria-label={`Tool call ${item.name}`}
    >
      <header className="tool-card__header">
        <span className="tool-card__icon" aria-hidden="true">
          ƒ
        </span>
        <code className="tool-card__name">{item.name}</code>
        <span className={`badge badge--${item.status}`}>{statusText[item.status]}</span>
        <span className="tool-card__duration" title="Tool duration">
          {formatDuration(item.durationMs)}
        </span>
      </header>
      <dl className="tool-card__body">
        <dt>Arguments</dt>
        <dd>
          {/* Focusable: a long value scrolls sideways, and the keyboard must reach it too. */}
          <pre tabIndex={0}>{args || '{}'}</pre>
        </dd>
        {item.error ? (
          <>
            <dt>Error</dt>
            <dd className="tool-card__error">
              <code>{item.error.code}</code> {item.error.message}
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
        {item.executor === 'server' ? 'Run by the server' : 'Run in this page'}
      </footer>
    </article>
  );
}
