import { useId, useState } from 'react';
import type { FormEvent, ReactNode } from 'react';
import { useVoiceSelector, useVoiceSession } from '@parley/react';

/** A text box: type instead of speaking. The agent answers aloud as usual. */
export function Composer(): ReactNode {
  const { sendText } = useVoiceSession();
  const connected = useVoiceSelector((snapshot) => snapshot.status === 'connected');
  const [text, setText] = useState('');
  const inputId = useId();

  const submit = (event: FormEvent): void => {
    event.preventDefault();
    const message = text.trim();
    if (!message || !connected) return;
    sendText(message);
    setText('');
  };

  return (
    <form className="composer" onSubmit={submit}>
      <label htmlFor={inputId} className="visually-hidden">
        Message
      </label>
      <input
        id={inputId}
        type="text"
        autoComplete="off"
        placeholder={connected ? 'Type a message…' : 'Start a conversation to type'}
        value={text}
        disabled={!connected}
        onChange={(event) => setText(event.target.value)}
      />
      <button
        type="submit"
        className="control control--primary"
        disabled={!connected || text.trim() === ''}
      >
        Send
      </button>
    </form>
  );
}
