// The README's component and this app's src/lib/VoiceAgent.svelte are the same code, so the README
// cannot drift from what CI builds and drives.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../../packages/svelte/README.md', import.meta.url), 'utf8');
const component = readFileSync(new URL('../src/lib/VoiceAgent.svelte', import.meta.url), 'utf8');

describe('the Svelte README component', () => {
  it('is src/lib/VoiceAgent.svelte, line for line', () => {
    const block = /## A voice agent in one component[\s\S]*?```svelte\n([\s\S]*?)```/.exec(
      readme,
    )?.[1];
    expect(block).toBeDefined();
    expect(component).toBe(block);
  });
});
