import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import type { MessageItem } from '@parley/core';
import { useVoiceSelector } from '@parley/react';
import { useAudioPort } from '../audio-context.js';
import { splitHeard } from '../lib/heard-split.js';
import { ToolCallCard } from './tool-call-card.js';

const SAMPLES_PER_MS = 24;

/** Milliseconds of an item's audio rendered so far, read from the playback worklet once per frame. */
function usePlayedMs(itemId: string, active: boolean): number | null {
  const audio = useAudioPort();
  const [playedMs, setPlayedMs] = useState<number | null>(null);
  useEffect(() => {
    if (!audio || !active) return;
    let frame = 0;
    const read = (): void => {
      const position = audio.position(itemId);
      setPlayedMs(position ? position.playedSamples / SAMPLES_PER_MS : 0);
      frame = requestAnimationFrame(read);
    };
    read();
    return () => cancelAnimationFrame(frame);
  }, [audio, itemId, active]);
  return active ? playedMs : null;
}

function AssistantText({ item, playing }: { item: MessageItem; playing: boolean }): ReactNode {
  const playedMs = usePlayedMs(item.id, playing);
  if (item.interrupted && item.heardText !== null && item.text.startsWith(item.heardText)) {
    const ahead = item.text.slice(item.heardText.length);
    return (
      <>
        <span className="said">{item.heardText}</span>
        {ahead ? (
          <span className="unheard unheard--cut" title="Not heard: the agent was interrupted">
            {ahead}
          </span>
        ) : null}
      </>
    );
  }
  if (playing && item.modality === 'audio' && playedMs !== null) {
    const { heard, ahead } = splitHeard(item.text, playedMs, item.audioMs);
    return (
      <>
        <span className="said">{heard}</span>
        {ahead ? (
          <span className="unheard" title="Not heard yet">
            {ahead}
          </span>
        ) : null}
      </>
    );
  }
  return <span className="said">{item.text}</span>;
}

function Message({ item, playing }: { item: MessageItem; playing: boolean }): ReactNode {
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
          <AssistantText item={item} playing={playing} />
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
 * answer not heard yet is lighter, the part cut off by an interruption struck through) and tool
 * call cards. A `role="log"` region, so screen readers read additions politely.
 */
export function Transcript(): ReactNode {
  const items = useVoiceSelector((snapshot) => snapshot.items);
  const turn = useVoiceSelector((snapshot) => snapshot.turn);
  const end = useRef<HTMLLIElement>(null);
  const lastAssistantId = [...items]
    .reverse()
    .find((item) => item.type === 'message' && item.role === 'assistant')?.id;

  useEffect(() => {
    end.current?.scrollIntoView?.({ block: 'nearest' });
  }, [items]);

  return (
    <section className="panel transcript-panel" aria-labelledby="transcript-title">
      <h2 id="transcript-title" className="panel__title">
        Transcript
      </h2>
      <ol className="transcript" role="log" aria-label="Transcript" aria-live="polite">
        {items.length === 0 ? (
          <li className="transcript__empty">The conversation will appear here.</li>
        ) : (
          items.map((item) =>
            item.type === 'message' ? (
              <Message
                key={item.id}
                item={item}
                playing={turn === 'agent_speaking' && item.id === lastAssistantId}
              />
            ) : (
              <li key={item.id} className="transcript__tool">
                <ToolCallCard item={item} />
              </li>
            ),
          )
        )}
        <li ref={end} className="transcript__end" aria-hidden="true" />
      </ol>
    </section>
  );
}
