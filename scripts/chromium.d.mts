import type { Browser, BrowserType } from 'playwright-core';

export interface ChromiumOptions {
  /** A WAV file the fake microphone plays once. */
  audioFile?: string;
  /** Allow audio to start without a user gesture (default true). */
  autoplay?: boolean;
}
export declare function findChromium(): string | null;
export declare function requireChromium(): string;
export declare function chromiumArgs(options?: ChromiumOptions): string[];
export declare function launchChromium(
  playwright: { chromium: BrowserType },
  options?: ChromiumOptions,
): Promise<Browser>;
export declare function writeSilentWav(path: string, seconds?: number): string;
