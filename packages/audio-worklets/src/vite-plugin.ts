// Vite dev serves a linked package (`pnpm link`, a `file:`/`link:` dependency, a workspace outside
// the app) from its real path through `/@fs/…`. Its JavaScript modules are allowed because the
// app imports them, but the worklet modules are fetched by `audioWorklet.addModule()`, never
// imported, so Vite's `server.fs.allow` check refuses them with 403. This plugin allows exactly the
// worklets folder (nothing else of the package, nothing when building) and keeps Vite's default
// allow list, which an explicit `server.fs.allow` would otherwise replace.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { searchForWorkspaceRoot, type Plugin } from 'vite';

/** The folder holding the built worklet modules, as an absolute file path. */
export const workletsDirectory: string = fileURLToPath(
  new URL('../dist/worklets/', import.meta.url),
);

/**
 * A Vite plugin that lets the dev server serve Parley's audio worklets when
 * `@parley/audio-worklets` is linked rather than installed. Installed packages (from the
 * registry or a `pnpm pack` tarball) and production builds need no plugin; adding it anyway is
 * harmless.
 *
 * @example
 * ```ts
 * // vite.config.ts
 * import { defineConfig } from 'vite';
 * import { parleyAudioWorklets } from '@parley/audio-worklets/vite';
 *
 * export default defineConfig({ plugins: [parleyAudioWorklets()] });
 * ```
 */
export function parleyAudioWorklets(): Plugin {
  return {
    name: 'parley-audio-worklets',
    apply: 'serve',
    config(userConfig) {
      const userAllow = userConfig.server?.fs?.allow;
      // Setting `allow` turns off Vite's default (the app's workspace root): add it back unless
      // the app chose its own list, which Vite then concatenates with ours.
      const allow =
        userAllow === undefined
          ? [searchForWorkspaceRoot(resolve(userConfig.root ?? process.cwd())), workletsDirectory]
          : [workletsDirectory];
      return { server: { fs: { allow } } };
    },
  };
}
