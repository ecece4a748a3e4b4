import { createContext, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import type { VoiceSession } from '@parley/core';
import { createSnapshotStore } from '@parley/core';
import type { ExternalStore, VoiceSessionSnapshot } from '@parley/core';
import { frameScheduler } from './frame.js';

const VoiceSessionContext = createContext<VoiceSession | null>(null);

/** Props of {@link VoiceSessionProvider}: pass either a `session` you own or a `create` factory. */
export type VoiceSessionProviderProps =
  | {
      /**
       * A session created and owned by the caller. The provider only exposes it: it never
       * connects or disconnects it.
       */
      session: VoiceSession;
      create?: never;
      autoConnect?: never;
      children?: ReactNode;
    }
  | {
      /**
       * Builds the session the provider owns. Called once per mounted provider (React may call
       * it a second time in StrictMode's double render and drop one result, so it must only
       * construct: a Parley session opens no socket and no microphone before `connect()`).
       * To start over with different options, change the provider's `key`.
       */
      create: () => VoiceSession;
      session?: never;
      /** Connect as soon as the provider is mounted (once, also under StrictMode). */
      autoConnect?: boolean;
      children?: ReactNode;
    };

/**
 * Makes a voice session available to the hooks below it. With `create`, the provider owns the
 * session: it connects it after mount when `autoConnect` is set and disconnects it on unmount.
 * StrictMode's mount → unmount → mount rehearsal neither opens a second socket or microphone nor
 * closes the session: the disconnect waits one microtask and is cancelled by the remount.
 *
 * @example
 * ```tsx
 * import { createVoiceSession } from '@parley/core';
 * import { VoiceSessionProvider } from '@parley/react';
 *
 * <VoiceSessionProvider create={() => createVoiceSession(options)}>
 *   <Conversation />
 * </VoiceSessionProvider>
 * ```
 */
export function VoiceSessionProvider(props: VoiceSessionProviderProps): ReactNode {
  const [owner] = useState<SessionOwner | null>(() =>
    props.create ? { session: props.create(), active: false, autoConnected: false } : null,
  );
  const session = props.session ?? owner?.session;
  if (!session) {
    throw new Error('VoiceSessionProvider needs a `session` or a `create` prop.');
  }
  useOwnedLifecycle(owner, props.autoConnect === true);
  return (
    <VoiceSessionContext.Provider value={session}>{props.children}</VoiceSessionContext.Provider>
  );
}

/** Bookkeeping of a session the provider created. */
interface SessionOwner {
  session: VoiceSession;
  /** True between an effect's setup and its cleanup. */
  active: boolean;
  /** `autoConnect` already connected this session (reset when the provider disconnects it). */
  autoConnected: boolean;
}

/**
 * Connects (with `autoConnect`) and disconnects an owned session. Both wait one microtask:
 * StrictMode runs setup → cleanup → setup synchronously, so by then `active` tells whether the
 * provider is really mounted, and the rehearsal neither opens a second socket or microphone nor
 * closes the session.
 */
function useOwnedLifecycle(owner: SessionOwner | null, autoConnect: boolean): void {
  useEffect(() => {
    if (!owner) return;
    owner.active = true;
    if (autoConnect && !owner.autoConnected) {
      queueMicrotask(() => {
        if (!owner.active || owner.autoConnected) return;
        owner.autoConnected = true;
        // Failures are state (`status: 'error'`) that the hooks render, not exceptions.
        owner.session.connect().catch(ignore);
      });
    }
    return () => {
      owner.active = false;
      queueMicrotask(() => {
        if (owner.active) return;
        owner.autoConnected = false;
        owner.session.disconnect().catch(ignore);
      });
    };
  }, [owner, autoConnect]);
}

function ignore(): void {}

/**
 * The session of the nearest {@link VoiceSessionProvider}. Throws when there is none, because a
 * hook without a session is a wiring mistake, not a state to render.
 */
export function useSessionInstance(): VoiceSession {
  const session = useContext(VoiceSessionContext);
  if (!session) {
    throw new Error('Parley hooks must be used inside <VoiceSessionProvider>.');
  }
  return session;
}

/**
 * The session's snapshot as a store whose changes reach React once per animation frame (core's
 * `createSnapshotStore` on the package's frame scheduler), stable for a given session.
 */
export function useSessionStore(session: VoiceSession): ExternalStore<VoiceSessionSnapshot> {
  return useMemo(() => createSnapshotStore(session, frameScheduler), [session]);
}
