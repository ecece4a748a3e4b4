// Where the built worklet modules live. `new URL('…', import.meta.url)` with a literal path is the
// pattern bundlers recognise: Vite (and Rollup, webpack 5, esbuild with a loader) copy the file into
// the app's build and rewrite the URL, so apps need no configuration. The path goes through
// `../dist/` so it resolves to the same built file from `dist/worklet-urls.js` (published) and from
// `src/worklet-urls.ts` (workspace sources).

/** URL of the built capture worklet module (`dist/worklets/capture.js`). */
export function defaultCaptureWorkletUrl(): URL {
  return new URL('../dist/worklets/capture.js', import.meta.url);
}

/** URL of the built playback worklet module (`dist/worklets/playback.js`). */
export function defaultPlaybackWorkletUrl(): URL {
  return new URL('../dist/worklets/playback.js', import.meta.url);
}
