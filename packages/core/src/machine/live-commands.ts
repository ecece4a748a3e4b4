// The machine's commands on a GPT-Live session: typed text, interrupt and mute, as neutral
// commands the session encodes.
import { LIVE_LIMITS } from '../protocol/index.js';
import { store } from './conversation.js';
import { newMessage } from './items.js';
import { touch } from './sequencing.js';
import { command, live } from './live-base.js';
import { bargeIn, closeSegment } from './live-turns.js';
import { TextRope } from './text-rope.js';
import { onConnect } from './connection.js';
import type { FamilyCommand } from './events.js';
import type { StampedTransition, Transition } from './transition.js';

/**
 * Typed text. Over WebRTC it goes to the server that placed the call. Under Responses delegation it is a user message for the backend
 * (`response.item.create` + `response.create`, §6.5). Under client delegation Live has no user
 * message: it goes in as silent context (`session.thinking.append`) labelled as typed by the
 * visitor — never as instructions, which the model treats as trusted (§4).
 */
export function sendUserText(t: Transition, text: string): void {
  // A WebRTC call's data channel may only mute and unmute: the server that placed it sends the
  // text upstream as its relay would, whatever the delegation.
  if (t.state.mediaAudio) {
    command(t, { kind: 'server_text', text });
    return;
  }
  if (live(t).delegation === 'responses') {
    command(t, { kind: 'user_text', text });
    return;
  }
  const content = `The user typed: ${text}`;
  for (let offset = 0; offset < content.length; offset += LIVE_LIMITS.appendCharacters) {
    command(t, {
      kind: 'append_context',
      channel: 'thinking',
      content: content.slice(offset, offset + LIVE_LIMITS.appendCharacters),
      delegationId: null,
    });
  }
}

/** Typed text in a Live session: shown as a user item and sent (or held until a session starts). */
export function onLiveSendText(t: StampedTransition, text: string, itemId: string): void {
  if (text.trim() === '') return;
  closeSegment(t, 'user');
  // The agent's turn ends too: the answer is a new item after the typed one. Over WebRTC no output
  // audio reaches the machine to close a finished reply, and the answer's fragments follow it on
  // the timeline within the same-turn gap.
  closeSegment(t, 'assistant');
  store(
    t,
    newMessage(
      { id: itemId, role: 'user', status: 'completed', createdAt: t.wallAt },
      TextRope.of(text),
    ),
  );
  if (t.online) sendUserText(t, text);
  else t.state.unsent = [...t.state.unsent, itemId];
  t.state.turnStart = t.at;
  touch(t);
}

/**
 * `interrupt()` on Live: no client event cancels the model's speech (§7). The nearest correct
 * thing: stop playing it here (flush, marked interrupted at what was heard) and tell the model to
 * stop with a `session.instructions.append`, as the reference's guardrail recipe does.
 */
export function onLiveInterrupt(t: Transition): void {
  const assistant = live(t).assistant;
  if (assistant === null) return;
  bargeIn(t, assistant.itemId);
  closeSegment(t, 'assistant');
  if (t.online) {
    command(t, {
      kind: 'append_context',
      channel: 'instructions',
      content: 'The user interrupted you. Stop speaking now and listen.',
      delegationId: null,
    });
  }
}

/**
 * GPT-Live's own commands. `appendContext()`: content on one of the model's channels (§4:
 * `instructions` steer behaviour and may interrupt speech, `thinking` is silent context,
 * `commentary` is said in the model's words), with a delegation id when it answers a client
 * delegation, split at the per-append limit. `fork()`: the next link opens the fork socket of the
 * finished session (closed first) and starts with the overrides.
 */
export function onLiveCommand(t: Transition, order: FamilyCommand): void {
  if (order.kind === 'fork') {
    if (t.snapshot.sessionId === null) return;
    t.state.liveFork = { sessionId: t.snapshot.sessionId, overrides: order.overrides };
    onConnect(t, order.idPrefix);
    return;
  }
  const { channel, content, delegationId } = order;
  if (!t.online || content.trim() === '') return;
  for (let offset = 0; offset < content.length; offset += LIVE_LIMITS.appendCharacters) {
    command(t, {
      kind: 'append_context',
      channel,
      content: content.slice(offset, offset + LIVE_LIMITS.appendCharacters),
      delegationId,
    });
  }
}

/**
 * Mute on Live: acknowledged by the server; the session keeps streaming (silence) meanwhile. The
 * audio effect reaches a media microphone track (WebRTC), which must be disabled or enabled; the
 * audio port's microphone stays on (see session-audio.ts).
 */
export function onLiveMute(t: Transition, muted: boolean): void {
  if (t.snapshot.muted === muted) return;
  t.set('muted', muted);
  t.effect({ type: 'audio_mute', muted });
  if (t.online) command(t, { kind: 'mute', muted });
}
