import type { BuildOptions } from 'esbuild';

/** Worklet entry points and the file each becomes. */
export declare const worklets: Record<'capture' | 'playback', string>;
/** esbuild options shared by the build and by the browser tests. */
export declare function workletBuildOptions(): BuildOptions;
