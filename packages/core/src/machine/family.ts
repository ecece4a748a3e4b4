import type { NeutralEvent } from '../protocol/index.js';
import type { PlaybackPosition } from '../ports.js';
import type { ToolCallError } from '../types.js';
import type { ItemPlayhead } from './heard.js';
import type { FamilyCommand } from './events.js';
import type { FamilyRef } from './live-state.js';
import type { MachineState } from './state.js';
import type { StampedTransition, Transition } from './transition.js';

/**
 * The machine's handlers of a protocol family with an adapter (GPT-Live), as a table the session
 * hands to the machine with the credentials. The session loads them (and the Live reader and
 * adapter) only when a connection speaks Live, so a Realtime app's bundle carries none of it;
 * the reducer reaches them through `state.family` and imports only this type.
 */
export interface FamilyHandlers extends FamilyRef {
  onEvent(t: StampedTransition, event: NeutralEvent): void;
  onTransportOpen(t: Transition): void;
  onDisconnect(t: Transition): void;
  closeCode(t: Transition, code: number): number;
  onFlushed(t: Transition, position: PlaybackPosition | null): void;
  onSendText(t: StampedTransition, text: string, itemId: string): void;
  onInterrupt(t: Transition): void;
  onCommand(t: Transition, command: FamilyCommand): void;
  onMute(t: Transition, muted: boolean): void;
  onToolResult(t: Transition, callId: string, output: string, error: ToolCallError | null): void;
  playhead(
    state: MachineState,
    itemId: string,
    position: PlaybackPosition | null,
  ): ItemPlayhead | null;
  /** The id the family's output audio is queued under, for `AudioPort.position`. */
  trackId(state: MachineState): string;
}

/** The family handlers the state holds, if any. */
export function handlersOf(state: MachineState): FamilyHandlers | null {
  return state.family as FamilyHandlers | null;
}
