// Core's stores seen from Svelte 5, like svelte-query's containers.svelte.ts: a `current` getter
// that subscribes the reading effect (through createSubscriber, so no runes and no compiler are
// needed), and the Svelte store contract for `$store` users. A Lifetime ends every subscription
// of a binding at once, so destroy() leaves nothing listening on the session.
import { createSubscriber } from 'svelte/reactivity';
import type { ExternalStore } from '@parley/core';

/** The subscriptions of one binding, ended together; none can start once it has ended. */
export class Lifetime {
  private readonly held = new Set<() => void>();
  private isEnded = false;

  get ended(): boolean {
    return this.isEnded;
  }

  /** Keeps `unsubscribe` until it is called or the lifetime ends; returns an idempotent version. */
  hold(unsubscribe: () => void): () => void {
    if (this.isEnded) {
      unsubscribe();
      return () => undefined;
    }
    const release = (): void => {
      if (this.held.delete(release)) unsubscribe();
    };
    this.held.add(release);
    return release;
  }

  /** Ends every held subscription (runs each cleanup once). */
  end(): void {
    this.isEnded = true;
    for (const release of [...this.held]) release();
  }
}

/** A value whose `current` getter is reactive. */
export interface ReactiveValue<T> {
  readonly current: T;
}

/**
 * `store.getSnapshot()` as a reactive `current`: read in markup, `$derived` or `$effect`, it
 * subscribes while read and wakes the reader on each notification; read elsewhere, it is a plain
 * read that subscribes to nothing.
 */
export function reactiveValue<T>(store: ExternalStore<T>, lifetime: Lifetime): ReactiveValue<T> {
  const track = createSubscriber((update) => lifetime.hold(store.subscribe(update)));
  return {
    get current() {
      track();
      return store.getSnapshot();
    },
  };
}

/**
 * A store of `select(store.getSnapshot())` that notifies only when the selected value changes
 * (`Object.is`): an effect that reads `status` does not re-run on every transcript delta.
 */
export function selectStore<T, Selected>(
  store: ExternalStore<T>,
  select: (value: T) => Selected,
): ExternalStore<Selected> {
  return {
    subscribe: (listener) => {
      let last = select(store.getSnapshot());
      return store.subscribe(() => {
        const next = select(store.getSnapshot());
        if (Object.is(next, last)) return;
        last = next;
        listener();
      });
    },
    getSnapshot: () => select(store.getSnapshot()),
  };
}

/** The Svelte store contract: `run` with the value now and after every change of identity. */
export interface SvelteReadable<T> {
  subscribe(run: (value: T) => void): () => void;
}

/** `store` under the Svelte store contract (for `$store`), its subscriptions held by `lifetime`. */
export function svelteReadable<T>(store: ExternalStore<T>, lifetime: Lifetime): SvelteReadable<T> {
  return {
    subscribe(run) {
      let last = store.getSnapshot();
      run(last);
      return lifetime.hold(
        store.subscribe(() => {
          const next = store.getSnapshot();
          if (next === last) return;
          last = next;
          run(next);
        }),
      );
    },
  };
}
