// The Realtime models and voices as of 2026-12-06 (market-2026-12.md §1.2, §1.3; the `openai`
// package 7.60.0, `RealtimeReasoningEffort` and the voice names of its session types). Prices
// live beside them in the machine's price table, keyed by these same names.

/** The built-in voices of the Realtime models; `marin` and `cedar` are the newest. */
export const REALTIME_VOICES = [
  'alloy',
  'ash',
  'ballad',
  'coral',
  'echo',
  'sage',
  'shimmer',
  'verse',
  'marin',
  'cedar',
] as const;

/** A built-in voice name. */
export type RealtimeVoiceName = (typeof REALTIME_VOICES)[number];

/** How hard a reasoning model thinks before it answers (`session.reasoning.effort`). */
export const REASONING_EFFORTS = ['minimal', 'low', 'medium', 'high', 'xhigh'] as const;

/** A reasoning effort. */
export type ReasoningEffort = (typeof REASONING_EFFORTS)[number];

/** What Parley knows about one Realtime model. */
export interface RealtimeModelInfo {
  /** The `model` name sent to the API. */
  readonly id: string;
  /** Release date (ISO), where the sources give one. */
  readonly released: string | null;
  /** Takes `reasoning.effort` and `parallel_tool_calls`, and may speak a preamble before a tool call. */
  readonly reasoning: boolean;
  /** Kept only so stored conversations still resolve (shut down or superseded). */
  readonly legacy: boolean;
}

/** The default model for new agents (`@openai/agents-realtime`'s default since 2026-07-07). */
export const DEFAULT_REALTIME_MODEL = 'gpt-realtime-2.1';

/** The Realtime models, newest first; the legacy ones stay for stored conversations. */
export const REALTIME_MODELS: readonly RealtimeModelInfo[] = [
  { id: 'gpt-realtime-2.1', released: '2026-07-07', reasoning: true, legacy: false },
  { id: 'gpt-realtime-2.1-mini', released: null, reasoning: true, legacy: false },
  { id: 'gpt-realtime-2', released: '2026-05-07', reasoning: true, legacy: false },
  { id: 'gpt-realtime-1.5', released: '2026-02-23', reasoning: false, legacy: false },
  { id: 'gpt-realtime', released: '2025-08-28', reasoning: false, legacy: false },
  { id: 'gpt-realtime-mini', released: '2025-10-06', reasoning: false, legacy: false },
  { id: 'gpt-4o-realtime-preview', released: null, reasoning: false, legacy: true },
  { id: 'gpt-4o-mini-realtime-preview', released: '2024-12-17', reasoning: false, legacy: true },
];

/**
 * Whether `model` is `name` or a variant of it: a dated snapshot (`gpt-realtime-2025-08-28`) or a
 * deployment named after it (`gpt-realtime-2.1-eu`). The name must end at a `-`, so
 * `gpt-realtime-2025-08-28` is a `gpt-realtime`, not a `gpt-realtime-2`.
 */
export function isModelVariant(model: string, name: string): boolean {
  return model === name || model.startsWith(`${name}-`);
}

/** The catalog entry for `model`: the longest name it is a variant of. */
export function findRealtimeModel(model: string): RealtimeModelInfo | null {
  let best: RealtimeModelInfo | null = null;
  for (const info of REALTIME_MODELS) {
    if (isModelVariant(model, info.id) && (!best || info.id.length > best.id.length)) best = info;
  }
  return best;
}
