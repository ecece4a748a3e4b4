// The session's listeners: snapshot subscribers and event listeners. A listener that throws is
// counted and reported, never allowed to break the session or the other listeners.
import type { VoiceSessionEvents, VoiceSessionOptions } from './types.js';

type EventListeners = { [K in keyof VoiceSessionEvents]: Set<VoiceSessionEvents[K]> };

/** Reports an internal error through `onInternalError` (default `console.error`), never throws. */
export function internalErrorReporter(options: VoiceSessionOptions): (error: unknown) => void {
  return (error) => {
    try {
      (options.onInternalError ?? ((value: unknown) => console.error(value)))(error);
    } catch {
      // The reporter itself failed; nothing more can be done without breaking the session.
    }
  };
}

export class SessionListeners {
  /** Listeners that threw, counted for the snapshot's diagnostics. */
  errors = 0;
  private readonly snapshot = new Set<() => void>();
  private readonly events: EventListeners = {
    levels: new Set(),
    audio: new Set(),
    serverEvent: new Set(),
    clientEvent: new Set(),
    error: new Set(),
    warning: new Set(),
    item: new Set(),
  };

  constructor(private readonly report: (error: unknown) => void) {}

  subscribe(listener: () => void): () => void {
    this.snapshot.add(listener);
    return () => {
      this.snapshot.delete(listener);
    };
  }

  on<K extends keyof VoiceSessionEvents>(event: K, listener: VoiceSessionEvents[K]): () => void {
    const set = this.events[event] as Set<VoiceSessionEvents[K]>;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  /** Whether anyone listens to `event` (so the session can skip building what nobody reads). */
  has(event: keyof VoiceSessionEvents): boolean {
    return this.events[event].size > 0;
  }

  emit<K extends keyof VoiceSessionEvents>(
    event: K,
    ...args: Parameters<VoiceSessionEvents[K]>
  ): void {
    for (const listener of [...this.events[event]]) {
      try {
        (listener as (...values: Parameters<VoiceSessionEvents[K]>) => void)(...args);
      } catch (error) {
        this.errors += 1;
        this.report(error);
      }
    }
  }

  /** Tells the snapshot subscribers that the snapshot changed. */
  notify(): void {
    for (const listener of [...this.snapshot]) {
      try {
        listener();
      } catch (error) {
        this.errors += 1;
        this.report(error);
      }
    }
  }
}
