/**
 * @parley/svelte: Svelte 5 bindings for Parley voice sessions.
 *
 * @example
 * ```svelte
 * <script lang="ts">
 *   import { createVoiceSession } from '@parley/svelte';
 *   const voice = createVoiceSession({ credentials, transport, audio });
 * </script>
 * <button onclick={() => voice.connect()}>{voice.status}</button>
 * ```
 */
export { createVoiceSession, silentLevels } from './voice-session.svelte.js';
export type {
  ClientTool,
  CreateVoiceSessionOptions,
  SvelteVoiceSession,
  SvelteVoiceSessionOptions,
} from './voice-session.svelte.js';
export { getVoiceSessionContext, setVoiceSessionContext } from './context.js';
// Kept for apps that imported it from here: it is core's clock (the binding's own copy is gone).
export { systemClock } from '@parley/core';
