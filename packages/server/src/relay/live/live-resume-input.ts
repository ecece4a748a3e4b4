/**
 * A resumed GPT-Live conversation's history as the startup `input` of its new upstream session:
 * GPT-Live has no items to replay, only text messages at startup (reference §3.1, §15). The
 * newest messages that fit Live's limits (128 messages, 8,192 rendered tokens, estimated at four
 * characters a token with a little framing per message); a tool call becomes a developer note of
 * what it returned, so the model knows what was looked up.
 */
import { LIVE_LIMITS } from '@parley/core';
import { mcpCallNote } from '../../sessions/replay.js';
import type { ReplayItem } from '../../storage/conversations-store.js';

/** One startup `input` item (exactly one text part). */
export type LiveInputItem =
  | { type: 'message'; role: 'user' | 'developer'; content: [{ type: 'input_text'; text: string }] }
  | { type: 'message'; role: 'assistant'; content: [{ type: 'output_text'; text: string }] };

/** Characters a message's framing counts as against the token budget. */
const MESSAGE_OVERHEAD = 16;
/** A tool result longer than this is cut in the note (the budget is shared with the conversation). */
const MAX_TOOL_NOTE = 600;

function asInput(item: ReplayItem): LiveInputItem | null {
  if (item.type === 'message') {
    if (item.text.trim() === '') return null;
    return item.role === 'assistant'
      ? { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: item.text }] }
      : { type: 'message', role: 'user', content: [{ type: 'input_text', text: item.text }] };
  }
  const cut = (text: string) =>
    text.length > MAX_TOOL_NOTE ? `${text.slice(0, MAX_TOOL_NOTE)}…` : text;
  if (item.type === 'mcp_call') {
    const output = item.output === null ? null : cut(item.output);
    const text = mcpCallNote({ ...item, output });
    return { type: 'message', role: 'developer', content: [{ type: 'input_text', text }] };
  }
  const shown = cut(item.output ?? 'no result (the connection dropped before it finished)');
  return {
    type: 'message',
    role: 'developer',
    content: [
      {
        type: 'input_text',
        text: `Earlier in this conversation the tool ${item.name} was called with ${item.arguments} and returned: ${shown}`,
      },
    ],
  };
}

/** The newest history that fits Live's startup limits, oldest first. */
export function liveResumeInput(items: readonly ReplayItem[]): LiveInputItem[] {
  const out: LiveInputItem[] = [];
  let budget = LIVE_LIMITS.inputTokens * 4;
  for (let index = items.length - 1; index >= 0; index--) {
    const input = asInput(items[index]!);
    if (input === null) continue;
    const cost = input.content[0].text.length + MESSAGE_OVERHEAD;
    if (cost > budget || out.length >= LIVE_LIMITS.inputMessages) break;
    budget -= cost;
    out.push(input);
  }
  return out.reverse();
}
