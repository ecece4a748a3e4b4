import {
  encodeRealtimeCommand,
  type ClientEvent,
  type NeutralCommand,
  type RealtimeNeutralEvent,
} from '../protocol/index.js';
import type {
  ConversationItem,
  SessionDiagnostics,
  TurnMetrics,
  TurnState,
  VoiceSessionSnapshot,
} from '../types.js';
import type { MachineEffect } from './effects.js';
import type { ItemRecord, MachineState } from './state.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * One step of the reducer: a working copy of the state that handlers change in place, with
 * copy-on-write for the item list so that the input state is never touched, and the effects
 * collected on the way. `finish()` derives the turn and builds a new snapshot only if something
 * in it changed, so the snapshot keeps its identity across steps that change nothing visible.
 */
export class Transition {
  /** The working copy of the machine state; handlers change it in place. */
  readonly state: Mutable<MachineState>;
  readonly effects: MachineEffect[] = [];
  /** Monotonic ms of the event being reduced (`event.at`): durations and latency. */
  readonly at: number;
  /**
   * Wall-clock ms (epoch) of the event, for the events that carry one (server events and typed
   * text, which stamp the items they create); `null` for the rest. {@link isStamped} narrows it.
   */
  readonly wallAt: number | null;
  private readonly base: MachineState;
  private records: ItemRecord[] | null = null;
  private views: ConversationItem[] | null = null;
  private index: Map<string, number> | null = null;
  private readonly patch: Partial<Mutable<VoiceSessionSnapshot>> = {};
  private patched = false;
  private snapshotCache: VoiceSessionSnapshot | null = null;

  constructor(state: MachineState, at: number, wallAt: number | null = null) {
    this.base = state;
    this.state = { ...state };
    this.at = at;
    this.wallAt = wallAt;
  }

  // ── snapshot fields ──

  /**
   * The snapshot as it will be after this step (pending changes included); `state.snapshot` is
   * the one the step started from until `finish()`.
   */
  get snapshot(): VoiceSessionSnapshot {
    if (this.snapshotCache === null) {
      this.snapshotCache = this.patched
        ? { ...this.base.snapshot, ...this.patch }
        : this.base.snapshot;
    }
    return this.snapshotCache;
  }

  set<K extends keyof VoiceSessionSnapshot>(key: K, value: VoiceSessionSnapshot[K]): void {
    if (this.snapshot[key] === value) return;
    this.patch[key] = value as never;
    this.patched = true;
    this.snapshotCache = null;
  }

  diagnostics(change: (current: SessionDiagnostics) => Partial<SessionDiagnostics>): void {
    const current = this.snapshot.diagnostics;
    this.set('diagnostics', { ...current, ...change(current) });
  }

  countBenign(code: string): void {
    this.diagnostics((d) => ({
      benignErrors: { ...d.benignErrors, [code]: (d.benignErrors[code] ?? 0) + 1 },
    }));
  }

  /** Changes the metrics entry of one response, if it is still kept. */
  updateTurn(responseId: string | null, change: (turn: TurnMetrics) => TurnMetrics): void {
    if (responseId === null) return;
    const position = this.snapshot.metrics.turns.findIndex(
      (turn) => turn.responseId === responseId,
    );
    if (position < 0) return;
    // `change` may update the metrics' means itself: read the metrics again after it.
    const current = this.snapshot.metrics.turns[position]!;
    const updated = change(current);
    if (updated === current) return;
    const metrics = this.snapshot.metrics;
    const turns = metrics.turns.slice();
    turns[position] = updated;
    this.set('metrics', { ...metrics, turns });
  }

  // ── items ──

  get allRecords(): readonly ItemRecord[] {
    return this.records ?? this.state.records;
  }

  record(id: string): ItemRecord | undefined {
    const position = (this.index ?? this.state.index).get(id);
    return position === undefined ? undefined : this.allRecords[position];
  }

  has(id: string): boolean {
    return (this.index ?? this.state.index).has(id);
  }

  private writable(): { records: ItemRecord[]; views: ConversationItem[] } {
    return { records: this.writableRecords(), views: this.writableViews() };
  }

  private writableRecords(): ItemRecord[] {
    this.records ??= this.state.records.slice();
    return this.records;
  }

  private writableViews(): ConversationItem[] {
    this.views ??= this.base.snapshot.items.slice();
    return this.views;
  }

  private rebuildIndex(records: readonly ItemRecord[]): void {
    const index = new Map<string, number>();
    records.forEach((record, position) => index.set(record.view.id, position));
    this.index = index;
  }

  /** Replaces an existing item's record. */
  put(record: ItemRecord): void {
    const position = (this.index ?? this.state.index).get(record.view.id);
    if (position === undefined) return;
    const records = this.writableRecords();
    // Bookkeeping-only changes (audio counters) leave the public list, and the snapshot, alone.
    if (records[position]?.view !== record.view) this.writableViews()[position] = record.view;
    records[position] = record;
  }

  /**
   * Adds an item after `afterId` when that item is known (else at the end), then drops the
   * oldest items beyond `maxItems`.
   */
  insert(record: ItemRecord, afterId: string | null | undefined): void {
    const { records, views } = this.writable();
    const after = afterId ? (this.index ?? this.state.index).get(afterId) : undefined;
    const position = after === undefined ? records.length : after + 1;
    records.splice(position, 0, record);
    views.splice(position, 0, record.view);
    const excess = records.length - this.state.config.maxItems;
    if (excess > 0) {
      records.splice(0, excess);
      views.splice(0, excess);
    }
    if (position === records.length - 1 && excess <= 0) {
      // Appending: extend the index instead of rebuilding it.
      const index = this.index ?? new Map(this.state.index);
      index.set(record.view.id, position);
      this.index = index;
    } else {
      this.rebuildIndex(records);
    }
  }

  /** Moves an existing item to just after `afterId`. */
  move(id: string, afterId: string): void {
    const from = (this.index ?? this.state.index).get(id);
    if (from === undefined || !this.has(afterId) || afterId === id) return;
    const { records, views } = this.writable();
    const [record] = records.splice(from, 1);
    views.splice(from, 1);
    if (!record) return;
    this.rebuildIndex(records);
    const after = (this.index ?? this.state.index).get(afterId) ?? records.length - 1;
    records.splice(after + 1, 0, record);
    views.splice(after + 1, 0, record.view);
    this.rebuildIndex(records);
  }

  remove(id: string): void {
    const position = (this.index ?? this.state.index).get(id);
    if (position === undefined) return;
    const { records, views } = this.writable();
    records.splice(position, 1);
    views.splice(position, 1);
    this.rebuildIndex(records);
  }

  // ── effects ──

  effect(effect: MachineEffect): void {
    this.effects.push(effect);
  }

  /**
   * Sends a neutral command with a fresh event id; returns that id. A family with an adapter
   * (GPT-Live) gets it as a `command` effect, encoded by the session with its runtime; for
   * Realtime the Realtime adapter writes it here as the GA client event of a `send` effect (which
   * the session serializes in its dialect), so recorded effects read as the wire.
   */
  command(command: NeutralCommand): string {
    this.state.eventSeq += 1;
    const eventId = `${this.state.idPrefix}${this.state.eventSeq}`;
    if (this.state.family !== null) {
      this.effects.push({ type: 'command', command, eventId });
    } else {
      const event = encodeRealtimeCommand(command);
      if (event !== null) {
        this.effects.push({ type: 'send', event: { ...event, event_id: eventId } as ClientEvent });
      }
    }
    return eventId;
  }

  /** Whether client events can reach the upstream session now. */
  get online(): boolean {
    return this.state.link === 'open' && this.state.sessionCreated;
  }

  // ── result ──

  finish(): { state: MachineState; effects: MachineEffect[] } {
    if (this.records !== null) this.state.records = this.records;
    if (this.views !== null) this.set('items', this.views);
    if (this.index !== null) this.state.index = this.index;
    const turn = deriveTurn(this.state, this.snapshot);
    if (turn !== this.base.snapshot.turn) this.set('turn', turn);
    if (this.patched) this.state.snapshot = this.snapshot;
    return { state: this.state, effects: this.effects };
  }
}

/** A transition for an event that carries a wall-clock time (server events, typed text). */
export type StampedTransition = Transition & { readonly wallAt: number };

/** Narrows a transition to one with a wall-clock time. */
export function isStamped(t: Transition): t is StampedTransition {
  return t.wallAt !== null;
}

/** A Realtime neutral kind, and its event. */
export type RealtimeKind = RealtimeNeutralEvent['kind'];
export type RealtimeEventOf<K extends RealtimeKind> = Extract<RealtimeNeutralEvent, { kind: K }>;

/**
 * The handlers of one family of Realtime events (session, items, responses, audio buffers), keyed
 * by neutral kind (what the Realtime adapter decodes a GA event into), each typed by its event.
 * Families live in `server-events/`; `reducer.ts` merges them into one table.
 */
export type NeutralEventHandlers = {
  readonly [K in RealtimeKind]?: (t: StampedTransition, event: RealtimeEventOf<K>) => void;
};

/** Whose turn it is, from the bookkeeping (never stored independently, so it cannot drift). */
export function deriveTurn(state: MachineState, snapshot: VoiceSessionSnapshot): TurnState {
  if (snapshot.status !== 'connected') return 'listening';
  if (state.userSpeaking || snapshot.pushToTalk) return 'user_speaking';
  const active =
    state.activeResponseId === null ? undefined : state.responses.get(state.activeResponseId);
  if (state.playback !== null || active?.hasOutput === true) return 'agent_speaking';
  if (
    state.activeResponseId !== null ||
    state.createInFlight !== null ||
    state.queuedCreate !== null ||
    state.awaitingResponse ||
    state.runningCalls.size > 0
  ) {
    return 'thinking';
  }
  return 'listening';
}
