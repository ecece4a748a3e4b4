// The conversation list as CSV, with one column per field the post-call analysis extracted.
import type { Conversation } from '@parley/server/schemas';
import { toCsv } from './text.js';

/** The extracted field names across `conversations`, sorted (the union: agents differ). */
export function extractedFieldNames(conversations: readonly Conversation[]): string[] {
  const names = new Set<string>();
  for (const conversation of conversations)
    for (const name of Object.keys(conversation.analysis?.extracted ?? {})) names.add(name);
  return [...names].sort();
}

/** A field's value as a short text for a table cell or CSV (objects as JSON). */
export function extractedText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** The conversations as CSV: the row's figures, the analysis, then each extracted field. */
export function conversationsCsv(
  conversations: readonly Conversation[],
  agentName: (id: string) => string,
): string {
  const fields = extractedFieldNames(conversations);
  return toCsv(conversations, [
    { header: 'Conversation', value: (c) => c.id },
    { header: 'Started at', value: (c) => c.startedAt },
    { header: 'Agent', value: (c) => agentName(c.agentId) },
    { header: 'Version', value: (c) => c.agentVersion },
    { header: 'Status', value: (c) => c.status },
    { header: 'Duration (ms)', value: (c) => c.durationMs },
    { header: 'Latency p50 (ms)', value: (c) => c.latencyMsP50 },
    { header: 'Cost (USD)', value: (c) => c.costUsd.toFixed(6) },
    {
      header: 'Success',
      value: (c) =>
        c.analysis?.success === true ? 'yes' : c.analysis?.success === false ? 'no' : '',
    },
    { header: 'Summary', value: (c) => c.analysis?.summary ?? '' },
    ...fields.map((name) => ({
      header: name,
      value: (c: Conversation) => extractedText(c.analysis?.extracted?.[name]),
    })),
  ]);
}
