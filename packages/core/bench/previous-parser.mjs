// The same-run baseline of the parse and size benchmarks: core as it was before the schema layer
// left the browser path (issue 14), rebuilt from git in a temporary folder on every run. Its
// source is taken with `git archive` from the commit below and bundled with esbuild, with zod
// resolved from this package's node_modules, so old and new are measured on the same machine in
// the same minute. Without the repository's history (a source tarball) the rows say so instead.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The last commit whose parser validated every server event with the full zod schemas. */
export const previousCommit = '5a08a32';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

let extracted;

/** The previous core's `src/` in a temporary folder, or `null` when git cannot provide it. */
function previousSource() {
  if (extracted !== undefined) return extracted;
  try {
    const root = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: packageDir })
      .toString()
      .trim();
    const folder = mkdtempSync(join(tmpdir(), 'parley-previous-core-'));
    const archive = execFileSync('git', ['archive', previousCommit, 'packages/core/src'], {
      cwd: root,
      maxBuffer: 64 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', folder], { input: archive });
    process.on('exit', () => rmSync(folder, { recursive: true, force: true }));
    extracted = join(folder, 'packages/core/src');
  } catch (error) {
    console.error(`previous parser unavailable (${previousCommit}): ${error.message}`);
    extracted = null;
  }
  return extracted;
}

/** The previous `parseServerEvent`, bundled for Node, or `null`. */
export async function loadPreviousParser() {
  const source = previousSource();
  if (source === null) return null;
  const { build } = await import('esbuild');
  const outfile = join(source, '..', 'previous-parse.mjs');
  await build({
    entryPoints: [join(source, 'protocol/parse.ts')],
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    nodePaths: [join(packageDir, 'node_modules')],
    logLevel: 'silent',
  });
  const module = await import(pathToFileURL(outfile).href);
  return module.parseServerEvent;
}

/** The previous package entry's source file, for the size baseline, or `null`. */
export function previousEntry() {
  const source = previousSource();
  return source === null ? null : join(source, 'index.ts');
}
