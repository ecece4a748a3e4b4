// Measures what Parley adds to the demo's build: the `parley` chunk (what core, audio-worklets and
// the React binding put on the page up front; see vite.config.ts) and the two AudioWorklet modules,
// as Vite minified them, gzipped at level 9. What the page loads only on demand (core's GPT-Live
// runtime, the beta dialect, WebRTC, and the demo's GPT-Live panel) is measured apart: Vite's
// manifest says which chunks the entry imports statically (up front) and which dynamically.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const appDir = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Chunks that must load on demand only (named by the groups in vite.config.ts, or by file). */
export const lazyChunkNames = ['parley-live', 'parley-beta', 'parley-webrtc', 'live-usage'];

/** The files the entry loads up front: itself and its static imports, transitively. */
function eagerFiles(distDir) {
  const manifestPath = join(distDir, '.vite', 'manifest.json');
  if (!existsSync(manifestPath))
    throw new Error(`${manifestPath} is missing: build with vite.config.ts`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
  const eager = new Set();
  const visit = (key) => {
    const chunk = manifest[key];
    if (!chunk || eager.has(chunk.file)) return;
    eager.add(chunk.file.replace(/^assets\//, ''));
    for (const imported of chunk.imports ?? []) visit(imported);
  };
  for (const [key, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(key);
  return eager;
}

function row(assetsDir, name) {
  const content = readFileSync(join(assetsDir, name));
  return {
    file: name,
    minifiedBytes: content.length,
    gzipBytes: gzipSync(content, { level: 9 }).length,
  };
}

/** Sizes of Parley's files in `dist/assets`: up front (`rows`, the budget's) and on demand (`lazy`). */
export function measureBundle(distDir = join(appDir, 'dist')) {
  const assetsDir = join(distDir, 'assets');
  const eager = eagerFiles(distDir);
  const names = readdirSync(assetsDir).filter((name) => name.endsWith('.js'));
  const isLazyName = (name) => lazyChunkNames.some((prefix) => name.startsWith(`${prefix}-`));
  const loadedUpFront = names.filter((name) => isLazyName(name) && eager.has(name));
  if (loadedUpFront.length > 0) {
    throw new Error(`loaded up front but meant to load on demand: ${loadedUpFront.join(', ')}`);
  }
  const rows = names
    .filter((name) => /^(parley|capture|playback)[-.]/.test(name) && !isLazyName(name))
    .map((name) => row(assetsDir, name));
  if (!rows.some((entry) => entry.file.startsWith('parley'))) {
    throw new Error(`no parley chunk in ${assetsDir}: was the demo built with its vite.config.ts?`);
  }
  const lazy = names.filter(isLazyName).map((name) => row(assetsDir, name));
  return {
    rows,
    lazy,
    totalGzip: rows.reduce((sum, entry) => sum + entry.gzipBytes, 0),
    totalMinified: rows.reduce((sum, entry) => sum + entry.minifiedBytes, 0),
    lazyGzip: lazy.reduce((sum, entry) => sum + entry.gzipBytes, 0),
  };
}
