// The machine's named timers on the session's clock: one pending timeout per name, its expiry
// dispatched as a `timer` event.
import type { MachineEvent, TimerName } from '../machine/events.js';
import type { Clock, TimerHandle } from '../ports.js';

export class SessionTimers {
  private readonly timers = new Map<TimerName, TimerHandle>();

  constructor(
    private readonly clock: Clock,
    private readonly dispatch: (event: MachineEvent) => void,
  ) {}

  /** (Re)starts `timer`: a pending timeout of the same name is cleared first. */
  set(timer: TimerName, ms: number): void {
    const previous = this.timers.get(timer);
    if (previous !== undefined) this.clock.clearTimeout(previous);
    this.timers.set(
      timer,
      this.clock.setTimeout(() => {
        this.timers.delete(timer);
        this.dispatch({ type: 'timer', timer, at: this.clock.now() });
      }, ms),
    );
  }

  clear(timer: TimerName): void {
    const handle = this.timers.get(timer);
    if (handle !== undefined) this.clock.clearTimeout(handle);
    this.timers.delete(timer);
  }
}
