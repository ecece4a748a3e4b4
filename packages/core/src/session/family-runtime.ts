// A protocol family with an adapter, as the session runs it: the family's reader, its adapter's
// two directions (wire ↔ neutral) and the machine's handlers of the neutral events, loaded as one
// lazy chunk when the credentials name the family, so an app that never speaks it never loads it.
// Adding a family (Gemini Live, xAI) adds one module implementing `FamilyRuntime` and one row in
// `RUNTIMES` (./family-registry.ts); the session, the connection and the reducer name no family.
import type { FamilyHandlers } from '../machine/family.js';
import type { MachineEvent } from '../machine/events.js';
import type { MachineState } from '../machine/state.js';
import type { NeutralCommand, NeutralEvent } from '../protocol/index.js';
import type { Clock, Credentials } from '../ports.js';
import type { AppendContextOptions, LiveContextChannel } from './types.js';
import type { LiveForkSessionConfig } from '../protocol/index.js';

/** A wire event as listeners see it (`serverEvent`, `clientEvent`). */
export type WireEvent = { type: string; [key: string]: unknown };

/** One server frame read by a family: a parse error, or the event and what to dispatch. */
export type FamilyFrame =
  | { error: string; event?: undefined; events?: undefined }
  | {
      error: null;
      event: WireEvent;
      /** What to dispatch, without times: the neutral events, or an unknown event to count. */
      events: Array<
        | { type: 'neutral'; event: NeutralEvent }
        | { type: 'server'; event: { type: string; unknown: true; raw: Record<string, unknown> } }
      >;
    };

/** What a family's own commands read of their session (`appendContext()`, `fork()`). */
export interface FamilyCommandHost {
  readonly state: MachineState;
  readonly clock: Clock;
  dispatch(event: MachineEvent): void;
  disconnect(): Promise<void>;
  /** Settles when the session connects (resolves) or fails (rejects). */
  whenConnected(): Promise<void>;
  randomId(length: number): string;
}

/** Commands only some families carry; the session checks the capability before calling. */
export interface FamilyCommands {
  appendContext(
    host: FamilyCommandHost,
    channel: LiveContextChannel,
    content: string,
    options?: AppendContextOptions,
  ): void;
  fork(host: FamilyCommandHost, overrides?: LiveForkSessionConfig): Promise<void>;
}

/** Everything the session needs to run one protocol family through its adapter. */
export interface FamilyRuntime {
  /** The machine's handlers of the neutral events (handed to the machine with the credentials). */
  readonly handlers: FamilyHandlers;
  /** Reads one server frame: the family's tolerant reader, then its adapter (wire → neutral). */
  readFrame(data: string): FamilyFrame;
  /** Writes one neutral command as frames: its first event takes `eventId`, the next `eventId_1`… */
  commandFrames(
    command: NeutralCommand,
    eventId: string,
  ): Array<{ frame: string; event: WireEvent }>;
  /** The frame that carries base64 microphone audio. */
  audioFrame(audio: string): string;
  /** The credentials a connection opens with (GPT-Live's `fork()` opens the fork socket). */
  connectCredentials(value: Credentials, state: MachineState): Credentials;
  /** The family's own commands, when it has any (the capabilities say which). */
  readonly commands: FamilyCommands | null;
}
