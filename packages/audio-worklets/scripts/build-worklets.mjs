// Bundles each AudioWorklet processor into one self-contained ES module in dist/worklets/, after
// tsc has built the main-thread code. A worklet module cannot import anything the page would have
// to resolve (AudioWorkletGlobalScope has no import maps), so everything it uses is inlined here;
// the files contain no eval and load from the app's own origin under a strict CSP.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

/** Worklet entry points and the file each becomes. */
export const worklets = {
  capture: 'src/worklets/capture-processor.ts',
  playback: 'src/worklets/playback-processor.ts',
};

/** esbuild options shared by the build and by the browser tests (which bundle in memory). */
export function workletBuildOptions() {
  return {
    absWorkingDir: packageDir,
    entryPoints: worklets,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    // Workspace packages resolve to their TypeScript sources, so the bundle never lags a rebuild.
    conditions: ['source'],
    legalComments: 'none',
    sourcemap: 'linked',
    logLevel: 'warning',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Minified: the files ship to browsers as they are (the apps' bundlers take them as assets), and
  // the linked source map keeps them readable in devtools. The tests bundle them unminified.
  await build({ ...workletBuildOptions(), minify: true, outdir: 'dist/worklets' });
}
