// Finds a Chromium for browser tests and builds its launch flags. Shared by every package's
// Playwright tests and by scripts/test.mjs (which installs Debian's chromium when none is found).
import { existsSync } from 'node:fs';

const candidates = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
  '/usr/bin/google-chrome-stable',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** The path of a Chromium executable, or null: `CHROME_PATH` first, then the usual install paths. */
export function findChromium() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv && existsSync(fromEnv)) return fromEnv;
  return candidates.find((path) => existsSync(path)) ?? null;
}

/** Like {@link findChromium}, but throws a one-line instruction when there is none. */
export function requireChromium() {
  const path = findChromium();
  if (!path) {
    throw new Error(
      'No Chromium found: install one (Debian: apt-get install -y chromium) or set CHROME_PATH.',
    );
  }
  return path;
}

/**
 * Flags for a headless, sandbox-free Chromium that makes no outside connections.
 * With `audioFile`, the fake microphone plays that WAV once; `autoplay` lets audio start without a gesture.
 */
export function chromiumArgs({ audioFile, autoplay = true } = {}) {
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--disable-dev-shm-usage',
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
  ];
  if (audioFile) args.push(`--use-file-for-fake-audio-capture=${audioFile}%noloop`);
  if (autoplay) args.push('--autoplay-policy=no-user-gesture-required');
  return args;
}

/**
 * Launches Chromium through playwright-core. `playwright` is the caller's import of
 * `playwright-core`, so each package resolves its own copy.
 */
export async function launchChromium(playwright, options = {}) {
  return playwright.chromium.launch({
    executablePath: requireChromium(),
    args: chromiumArgs(options),
    headless: true,
  });
}
