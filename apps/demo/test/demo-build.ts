import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Turbo builds the demo before its tests; a bare `vitest run` builds it here. */
export function ensureDemoBuilt(appDir: string): void {
  if (existsSync(join(appDir, 'dist', 'index.html'))) return;
  execFileSync('pnpm', ['exec', 'vite', 'build', '--logLevel', 'error'], {
    cwd: appDir,
    stdio: 'inherit',
  });
}
