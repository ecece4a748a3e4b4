import { getContext, hasContext, setContext } from 'svelte';
import { ParleyError } from '@parley/core';
import type { SvelteVoiceSession } from './voice-session.svelte.js';

// A symbol, not a string, so no other library's context can collide with ours.
const key = Symbol.for('@parley/svelte/voice-session');

/**
 * Makes a voice session available to every descendant component (read it with
 * {@link getVoiceSessionContext}). Call during component initialisation; returns the session.
 *
 * @example
 * ```svelte
 * <script lang="ts">
 *   const voice = setVoiceSessionContext(createVoiceSession({ ... }));
 * </script>
 * <Transcript />
 * ```
 */
export function setVoiceSessionContext(session: SvelteVoiceSession): SvelteVoiceSession {
  return setContext(key, session);
}

/**
 * The voice session set by an ancestor with {@link setVoiceSessionContext}. Throws a
 * `ParleyError` (reason `config`) naming the fix when no ancestor set one.
 */
export function getVoiceSessionContext(): SvelteVoiceSession {
  if (!hasContext(key)) {
    throw new ParleyError(
      'config',
      'getVoiceSessionContext() found no voice session: call setVoiceSessionContext(createVoiceSession(…)) in a parent component first.',
    );
  }
  return getContext<SvelteVoiceSession>(key);
}
