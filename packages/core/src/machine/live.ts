// GPT-Live in the machine: the neutral events of the Live adapter (protocol/adapters/live.ts)
// turned into the same conversation items, turn, usage and errors a Realtime session has, and
// the machine's commands turned into neutral commands the session encodes. What differs from
// Realtime (live-protocol.md §§7, 8, 13):
// - transcripts are timed fragments with no items and no end: grouped here into user and
//   assistant turns (a new turn on a speaker change, or after GAP_MS of timeline between fragments
//   of one speaker; a turn closes when the other speaker starts or after CLOSE_MS of timeline
//   without a fragment — the policy LiveKit and openai-node's grouper use, §8);
// - output audio is one continuous track per session (silence included): it is queued under one
//   track id (a new one after each barge-in flush, starting where the flushed one was cut), and an
//   assistant item's playhead is the track's played time minus the item's start on the session
//   timeline (output track time and session time advance together, §2);
// - the model owns turn-taking: a user fragment over an assistant turn that is still playing is a
//   barge-in (playback flushed, the item marked interrupted at what was heard); nothing is sent;
// - tools run by delegation: one execution per completed call, one output per call, then one
//   `continue_backend` once the backend response is done and every output was sent;
// - billing is by the second (`session.usage.updated`, cumulative per session).
//
// The handlers live by concern: live-lifecycle.ts (start, close, usage, errors), live-turns.ts
// (transcripts, audio, barge-in, playhead), live-tools.ts (delegation and tools),
// live-commands.ts (typed text, interrupt, mute), on the footing of live-base.ts.
import type { NeutralEvent } from '../protocol/index.js';
import { liveCapabilities } from '../protocol/adapters/live.js';
import type { FamilyHandlers } from './family.js';
import { command, live, liveTrackId, setLive } from './live-base.js';
import { onLiveCommand, onLiveInterrupt, onLiveMute, onLiveSendText } from './live-commands.js';
import {
  liveCloseCode,
  onClosed,
  onError,
  onLiveTransportOpen,
  onSeconds,
  onStarted,
  readDelegation,
} from './live-lifecycle.js';
import {
  continueIfReady,
  onHostedToolItem,
  onLiveToolResult,
  onRelayToolOutput,
  onToolCall,
  putDelegation,
} from './live-tools.js';
import { livePlayhead, onFragment, onLiveFlushed, onOutputAudio } from './live-turns.js';
import type { StampedTransition } from './transition.js';

export { CLOSE_MS, GAP_MS, command, liveTrackId } from './live-base.js';
export { onLiveInterrupt, onLiveMute, onLiveSendText, sendUserText } from './live-commands.js';
export { liveCloseCode, onLiveTransportOpen } from './live-lifecycle.js';
export { onLiveToolResult } from './live-tools.js';
export { livePlayhead, onLiveFlushed } from './live-turns.js';

/** One neutral event of the Live adapter. */
export function onLiveEvent(t: StampedTransition, event: NeutralEvent): void {
  switch (event.kind) {
    case 'session_started':
      onStarted(t, event.sessionId, event.model, event.config);
      break;
    case 'session_updated':
      readDelegation(t, event.config);
      break;
    case 'transcript_fragment':
      onFragment(t, event.speaker, event.text, event.startMs, event.endMs);
      break;
    case 'output_audio':
      onOutputAudio(t, event.audio);
      break;
    case 'tool_call':
      onToolCall(t, event);
      break;
    case 'tool_output':
      onRelayToolOutput(t, event.callId, event.output);
      break;
    case 'backend_response_done':
      if (event.delegationId !== null) {
        const delegation = live(t).delegations.get(event.delegationId);
        if (delegation !== undefined) {
          putDelegation(t, event.delegationId, { ...delegation, responseDone: true });
          continueIfReady(t, event.delegationId);
        }
      }
      break;
    case 'delegation_started':
      if (!live(t).delegations.has(event.delegationId)) {
        putDelegation(t, event.delegationId, { calls: [], responseDone: false, continued: false });
      }
      break;
    case 'usage_seconds':
      onSeconds(t, event.seconds, event.contextRatio);
      break;
    case 'session_closed':
      setLive(t, { closeReason: event.reason ?? 'unknown' });
      onSeconds(t, event.seconds, null);
      onClosed(t, event.reason);
      break;
    case 'error':
      onError(t, event.code, event.message);
      break;
    case 'info':
      t.effect({ type: 'warning', code: event.code ?? 'info', message: event.message });
      break;
    case 'backend_event':
      onHostedToolItem(t, event.event);
      break;
    case 'input_muted':
    case 'context_appended':
    case 'ignored':
      break;
  }
}

/** The Live family's handlers, handed to the machine by the session (see `FamilyHandlers`). */
export const liveFamily: FamilyHandlers = {
  family: 'live',
  capabilities: liveCapabilities,
  onEvent: onLiveEvent,
  onTransportOpen: onLiveTransportOpen,
  onDisconnect: (t) => {
    // GPT-Live finalizes explicitly: `session.close` first, so the server bills to this point.
    if (t.online) command(t, { kind: 'close' });
  },
  closeCode: liveCloseCode,
  onFlushed: onLiveFlushed,
  onSendText: onLiveSendText,
  onInterrupt: onLiveInterrupt,
  onCommand: onLiveCommand,
  onMute: onLiveMute,
  onToolResult: onLiveToolResult,
  playhead: livePlayhead,
  trackId: liveTrackId,
};
