// Measures what Parley adds to the demo's build: the `parley` chunk (core + audio-worklets + the
// React binding, with what they import, e.g. zod; see vite.config.ts) and the two AudioWorklet
// modules, as Vite minified them, gzipped at level 9.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Sizes of Parley's files in `dist/assets`. */
export function measureBundle(distDir = join(appDir, 'dist')) {
  const assetsDir = join(distDir, 'assets');
  const files = readdirSync(assetsDir).filter(
    (name) => name.endsWith('.js') && /^(parley|capture|playback)[-.]/.test(name),
  );
  const rows = files.map((name) => {
    const content = readFileSync(join(assetsDir, name));
    return {
      file: name,
      minifiedBytes: content.length,
      gzipBytes: gzipSync(content, { level: 9 }).length,
    };
  });
  if (!rows.some((row) => row.file.startsWith('parley'))) {
    throw new Error(`no parley chunk in ${assetsDir}: was the demo built with its vite.config.ts?`);
  }
  return {
    rows,
    totalGzip: rows.reduce((sum, row) => sum + row.gzipBytes, 0),
    totalMinified: rows.reduce((sum, row) => sum + row.minifiedBytes, 0),
  };
}
