import { useEffect, useRef } from 'react';
import type { ReactNode } from 'react';
import type { MessageItem } from '@parley/core';
import { useHeardSplit, useVoiceSelector } from '@parley/react';
import { McpApprovalCard, McpCallCard } from './mcp-cards.js';
import { ToolCallCard } from './tool-call-card.js';

/**
 * An agent message split at what the listener heard (core's `heardSplit`, followed once per frame
 * while the audio plays): the part not heard yet is lighter, the part an interruption cut off is
 * struck through.
 */
function AssistantText({ item }: { item: MessageItem }): ReactNode {
  const { heard, unheard, cut } = useHeardSplit(item);
  return (
    <>
      <span className="said">{heard}</span>
      {unheard ? (
        cut ? (
          <span className="unheard unheard--cut" title="Not heard: the agent was interrupted">
            {unheard}
          </span>
        ) : (
          <span className="unheard" title="Not heard yet">
            {unheard}
          </span>
        )
      ) : null}
    </>
  );
}

function Message({ item }: { item: MessageItem }): ReactNode {
  const who = item.role === 'user' ? 'You' : item.role === 'assistant' ? 'Agent' : 'System';
  const empty = item.text === '' && !item.streaming;
  return (
    <li
      className={`message message--${item.role}${item.interrupted ? ' message--interrupted' : ''}`}
      data-item-id={item.id}
      data-interrupted={item.interrupted || undefined}
      // Screen readers read a message once it is complete, not at every streamed word.
      aria-busy={item.streaming || undefined}
    >
      <div className="message__meta">
        <span className="message__who">{who}</span>
        {item.modality === 'text' && item.role === 'user' ? (
          <span className="badge">typed</span>
        ) : null}
        {item.interrupted ? <span className="badge badge--interrupted">Interrupted</span> : null}
      </div>
      <p className="message__text">
        {item.role === 'assistant' ? (
          <AssistantText item={item} />
        ) : empty ? (
          <span className="message__placeholder">
            {item.transcriptionError ? `(not transcribed: ${item.transcriptionError})` : '(speech)'}
          </span>
        ) : (
          item.text
        )}
        {item.streaming ? <span className="typing" aria-hidden="true" /> : null}
      </p>
    </li>
  );
}

/**
 * The conversation as it happens: messages with streaming transcripts (the part of the agent's
 * answer not heard yet is lighter, the part cut off by an interruption struck through), tool
 * call cards, and cards for MCP calls and approval requests (an MCP listing is not shown). A `role="log"` region, so screen readers read additions politely.
 */
export function Transcript(): ReactNode {
  const items = useVoiceSelector((snapshot) => snapshot.items);
  const end = useRef<HTMLLIElement>(null);

  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [items]);

  return (
    <section className="panel transcript-panel" aria-labelledby="transcript-title">
      <h2 id="transcript-title" className="panel__title">
        Transcript
      </h2>
      {/* The log is the scrolling region, focusable so the keyboard can scroll it; the list
          inside keeps list semantics for the items. */}
      <div
        className="transcript"
        role="log"
        aria-label="Transcript"
        aria-live="polite"
        tabIndex={0}
      >
        <ol className="transcript__list">
          {items.length === 0 ? (
            <li className="transcript__empty">The conversation will appear here.</li>
          ) : (
            items.map((item) =>
              item.type === 'message' ? (
                <Message key={item.id} item={item} />
              ) : item.type === 'function_call' ? (
                <li key={item.id} className="transcript__tool">
                  <ToolCallCard item={item} />
                </li>
              ) : item.type === 'mcp_call' ? (
                <li key={item.id} className="transcript__tool">
                  <McpCallCard item={item} />
                </li>
              ) : item.type === 'mcp_approval_request' ? (
                <li key={item.id} className="transcript__tool">
                  <McpApprovalCard item={item} />
                </li>
              ) : null,
            )
          )}
          <li ref={end} className="transcript__end" aria-hidden="true" />
        </ol>
      </div>
    </section>
  );
}
