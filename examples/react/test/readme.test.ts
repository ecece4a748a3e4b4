// The README's example and this app's src/main.tsx are the same code, so the README cannot drift
// from what CI builds and drives.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const readme = readFileSync(new URL('../../../packages/react/README.md', import.meta.url), 'utf8');
const main = readFileSync(new URL('../src/main.tsx', import.meta.url), 'utf8');

describe('the React README example', () => {
  it('is src/main.tsx, line for line (after its one-line header comment)', () => {
    const block = /## Example[\s\S]*?```tsx\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    expect(main.replace(/^\/\/.*\n/, '')).toBe(block);
  });
});
