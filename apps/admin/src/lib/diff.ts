// Line diffs between two agent versions, for the versions tab.
import { diffLines } from 'diff';
import type { AgentConfig } from '@parley/server/schemas';

/** One run of lines: added in the newer version, removed from the older, or unchanged. */
export interface DiffPart {
  kind: 'added' | 'removed' | 'same';
  text: string;
}

/** Line-by-line difference between two texts. */
export function diffText(before: string, after: string): DiffPart[] {
  return diffLines(before, after).map((part) => ({
    kind: part.added ? 'added' : part.removed ? 'removed' : 'same',
    text: part.value,
  }));
}

/** The settings of a config other than the prompt, one `key: value` per line, for diffing. */
export function settingsText(config: AgentConfig): string {
  const { instructions: _instructions, ...settings } = config;
  return Object.entries(settings)
    .map(([key, value]) => `${key}: ${JSON.stringify(value)}`)
    .join('\n')
    .concat('\n');
}

/** Whether two diffs show any change. */
export function hasChanges(parts: readonly DiffPart[]): boolean {
  return parts.some((part) => part.kind !== 'same');
}
