import type { MachineEffect } from '../machine/effects.js';
import type { MachineEvent } from '../machine/events.js';
import { reduce } from '../machine/reducer.js';
import { initialState, type MachineState } from '../machine/state.js';
import type { ClientEvent, Dialect } from '../protocol/index.js';
import { parseServerEvent } from '../protocol/index.js';

type Parameters0<T> = T extends (arg: infer A) => unknown ? A : never;

/**
 * Drives the pure reducer by hand: keeps the state, a clock (`at`, advanced by each event or by
 * `advance()`), and every effect produced. For machine tests and property tests.
 *
 * @example
 * ```ts
 * const machine = createMachineHarness();
 * machine.connectAndOpen();
 * machine.server({ type: 'session.created', event_id: 'e1', session: { type: 'realtime' } });
 * expect(machine.snapshot.status).toBe('connected');
 * ```
 */
export function createMachineHarness(options: Parameters0<typeof initialState> = {}) {
  let state: MachineState = initialState(options);
  let at = 1000;
  const wallBase = Date.UTC(2026, 0, 1);
  const effects: MachineEffect[] = [];
  let dialect: Dialect = 'ga';

  const harness = {
    get state(): MachineState {
      return state;
    },
    get snapshot() {
      return state.snapshot;
    },
    get now(): number {
      return at;
    },
    /** Every effect so far. */
    effects,
    advance(ms: number): void {
      at += ms;
    },
    /** Applies one machine event (its `at` is overwritten with the harness clock). */
    dispatch(event: MachineEvent): MachineEffect[] {
      const result = reduce(state, { ...event, at });
      state = result.state;
      effects.push(...result.effects);
      return result.effects;
    },
    /** Parses a server frame (in the harness dialect) and applies it; malformed ones as such. */
    server(frame: object | string): MachineEffect[] {
      const parsed = parseServerEvent(typeof frame === 'string' ? frame : JSON.stringify(frame), {
        dialect,
      });
      if (!parsed.success) {
        return harness.dispatch({ type: 'protocol_error', message: parsed.error.message, at });
      }
      return harness.dispatch({ type: 'server', event: parsed.event, at, wallAt: wallBase + at });
    },
    /** `connect`, credentials and an open socket (no `session.created` yet). */
    connectAndOpen(connectDialect: Dialect = 'ga', serverRunsTools = false): void {
      dialect = connectDialect;
      harness.dispatch({ type: 'connect', idPrefix: 'evt_', at });
      harness.dispatch({
        type: 'credentials_ready',
        dialect: connectDialect,
        serverRunsTools,
        model: null,
        at,
      });
      harness.dispatch({ type: 'transport_open', at });
    },
    /** `connectAndOpen` plus a GA `session.created` (and `session.updated` if config was sent). */
    connected(session: Record<string, unknown> = {}): void {
      harness.connectAndOpen();
      harness.server({
        type: 'session.created',
        event_id: 'event_created',
        session: { type: 'realtime', id: 'sess_1', model: 'gpt-realtime', ...session },
      });
      if (state.awaitingUpdate !== null) {
        harness.server({
          type: 'session.updated',
          event_id: 'event_updated',
          session: { type: 'realtime', id: 'sess_1', model: 'gpt-realtime', ...session },
        });
      }
    },
    /** Client events sent so far (all, or of one type). */
    sent(type?: string): ClientEvent[] {
      return effects
        .filter(
          (effect): effect is Extract<MachineEffect, { type: 'send' }> => effect.type === 'send',
        )
        .map((effect) => effect.event)
        .filter((event) => type === undefined || event.type === type);
    },
    /** Effects of one type so far. */
    effectsOf<T extends MachineEffect['type']>(type: T): Extract<MachineEffect, { type: T }>[] {
      return effects.filter(
        (effect): effect is Extract<MachineEffect, { type: T }> => effect.type === type,
      );
    },
    clearEffects(): void {
      effects.length = 0;
    },
  };
  return harness;
}

/** What {@link createMachineHarness} returns. */
export type MachineHarness = ReturnType<typeof createMachineHarness>;
