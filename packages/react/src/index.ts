/**
 * @parley/react: React bindings for Parley voice sessions.
 *
 * @example
 * ```tsx
 * import { VoiceSessionProvider, useVoiceSession } from '@parley/react';
 * ```
 */
export { VoiceSessionProvider } from './voice-session-provider.js';
export type { VoiceSessionProviderProps } from './voice-session-provider.js';
export { useVoiceSession } from './use-voice-session.js';
export type { UseVoiceSessionResult, VoiceSessionCommands } from './use-voice-session.js';
export { useVoiceSelector } from './use-voice-selector.js';
export { useAudioLevels, silentAudioLevels } from './use-audio-levels.js';
export { useClientTool } from './use-client-tool.js';
export { useHeardSplit } from './use-heard-split.js';
export type { ClientToolOptions } from './use-client-tool.js';
export { flushVoiceUpdates } from './frame.js';
