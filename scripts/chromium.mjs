// Finds a Chromium for browser tests and builds its launch flags. Shared by every package's
// Playwright tests and by scripts/test.mjs (which installs Debian's chromium when none is found).
import { existsSync, writeFileSync } from 'node:fs';

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

/**
 * Writes `seconds` of silence as a 48 kHz PCM16 mono WAV at `path` and returns `path`: a quiet
 * room for the fake microphone (`chromiumArgs({ audioFile })`). The fake device's default beeps
 * are speech to the emulator's VAD, which then holds the turn (and, over WebRTC, the greeting).
 */
export function writeSilentWav(path, seconds = 20) {
  const bytes = 48_000 * 2 * seconds;
  const wav = Buffer.alloc(44 + bytes);
  wav.write('RIFFxxxxWAVEfmt ', 0, 'ascii');
  wav.writeUInt32LE(36 + bytes, 4);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(48_000, 24);
  wav.writeUInt32LE(96_000, 28); // bytes a second
  wav.writeUInt16LE(2, 32); // bytes a frame
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(bytes, 40);
  writeFileSync(path, wav);
  return path;
}
