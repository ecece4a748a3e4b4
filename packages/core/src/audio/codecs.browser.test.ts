// The codecs and the protocol parsers in real Chromium: bundled for the browser platform (no
// Node built-ins can sneak in), run in a page, and compared with the same calls in Node.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../../scripts/chromium.mjs';
import { loadBetaDialect } from '../protocol/beta-loader.js';
import { isUnknownEvent, parseServerEvent } from '../protocol/parse.js';
import { parseClientEvent } from '../protocol/parse-client.js';
import { decodeBase64Portable, encodeBase64, encodeBase64Portable } from './base64.js';
import { floatToPcm16 } from './pcm16.js';
import { createResampler } from './resampler.js';

const srcDir = fileURLToPath(new URL('..', import.meta.url));
const fixturesDir = fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));

interface PageApi {
  run(input: { bytes: number[]; floats: number[]; chunks: number[] }): {
    nativeBase64: boolean;
    portable: string;
    auto: string;
    decoded: number[];
    pcm: number[];
    resampled: number[];
  };
  parseFixtures(lines: Array<{ text: string; dialect: 'ga' | 'beta'; client: boolean }>): Promise<{
    failures: string[];
    unknown: string[];
    parsed: number;
  }>;
}

declare global {
  interface Window {
    parleyCodecs: PageApi;
  }
}

// The page side: everything it calls comes from the bundle.
const entry = `
import { encodeBase64, encodeBase64Portable, decodeBase64 } from './audio/base64.ts';
import { floatToPcm16 } from './audio/pcm16.ts';
import { createResampler } from './audio/resampler.ts';
import { parseServerEvent, isUnknownEvent } from './protocol/parse.ts';
import { loadBetaDialect } from './protocol/beta-loader.ts';
import { parseClientEvent } from './protocol/parse-client.ts';
window.parleyCodecs = {
  run({ bytes, floats, chunks }) {
    const data = Uint8Array.from(bytes);
    const resampler = createResampler({ inputRate: 44100, outputRate: 24000 });
    const input = Float32Array.from(floats);
    const parts = [];
    let offset = 0;
    for (const size of chunks) { parts.push(...resampler.process(input.subarray(offset, offset + size))); offset += size; }
    parts.push(...resampler.process(input.subarray(offset)), ...resampler.flush());
    return {
      nativeBase64: typeof Uint8Array.prototype.toBase64 === 'function',
      portable: encodeBase64Portable(data),
      auto: encodeBase64(data),
      decoded: Array.from(decodeBase64(encodeBase64(data))),
      pcm: Array.from(floatToPcm16(floats)),
      resampled: parts,
    };
  },
  async parseFixtures(lines) {
    await loadBetaDialect();
    const failures = [], unknown = [];
    for (const [index, line] of lines.entries()) {
      const result = (line.client ? parseClientEvent : parseServerEvent)(line.text, { dialect: line.dialect });
      if (!result.success) failures.push(index + ': ' + result.error.message);
      else if (isUnknownEvent(result.event)) unknown.push(result.event.type);
    }
    return { failures, unknown, parsed: lines.length };
  },
};
`;

let bundle: string;
let browser: Browser | undefined;

async function openPage(prelude = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await browser!.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.setContent('<!doctype html><title>codecs</title>');
  if (prelude) await page.evaluate(prelude);
  await page.addScriptTag({ content: bundle });
  return { page, errors };
}

const bytes = Array.from({ length: 4099 }, (_, index) => (index * 7919 + 13) & 0xff);
const floats = Array.from({ length: 4410 }, (_, index) =>
  index % 97 === 0 ? NaN : 1.2 * Math.sin(index * 0.07) + 0.3 * Math.sin(index * 1.9),
);
const chunks = [0, 1, 127, 128, 3, 1000, 441];

function nodeResult() {
  const resampler = createResampler({ inputRate: 44100, outputRate: 24000 });
  const input = Float32Array.from(floats);
  const parts: number[] = [];
  let offset = 0;
  for (const size of chunks) {
    parts.push(...resampler.process(input.subarray(offset, offset + size)));
    offset += size;
  }
  parts.push(...resampler.process(input.subarray(offset)), ...resampler.flush());
  return {
    base64: encodeBase64(Uint8Array.from(bytes)),
    pcm: Array.from(floatToPcm16(floats)),
    resampled: parts,
  };
}

beforeAll(async () => {
  await loadBetaDialect();
  const result = await build({
    stdin: { contents: entry, resolveDir: srcDir, loader: 'ts', sourcefile: 'browser-entry.ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]!.text;
  browser = await launchChromium({ chromium });
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('codecs and parsers in Chromium', { timeout: 30_000 }, () => {
  it('encode, decode and convert exactly as in Node, natively and with the portable encoder', async () => {
    const { page, errors } = await openPage();
    try {
      const result = await page.evaluate((input) => window.parleyCodecs.run(input), {
        bytes,
        floats,
        chunks,
      });
      const expected = nodeResult();
      expect(errors).toEqual([]);
      expect(result.nativeBase64).toBe(true);
      expect(result.portable).toBe(expected.base64);
      expect(result.auto).toBe(expected.base64);
      expect(result.decoded).toEqual(bytes);
      expect(result.pcm).toEqual(expected.pcm);
      expect(result.resampled).toHaveLength(expected.resampled.length);
      const worst = result.resampled.reduce(
        (max, value, index) => Math.max(max, Math.abs(value - expected.resampled[index]!)),
        0,
      );
      expect(worst).toBeLessThan(1e-6);
    } finally {
      await page.close();
    }
  });

  it('falls back to chunked fromCharCode where TextDecoder is missing (some worklet scopes)', async () => {
    const { page, errors } = await openPage(
      'delete globalThis.TextDecoder; delete Uint8Array.prototype.toBase64;',
    );
    try {
      const result = await page.evaluate((input) => window.parleyCodecs.run(input), {
        bytes,
        floats,
        chunks: [],
      });
      expect(errors).toEqual([]);
      expect(result.nativeBase64).toBe(false);
      expect(result.portable).toBe(Buffer.from(bytes).toString('base64'));
      expect(result.auto).toBe(result.portable);
      expect(decodeBase64Portable(result.auto)).toEqual(Uint8Array.from(bytes));
      expect(encodeBase64Portable(Uint8Array.from(bytes))).toBe(result.portable);
    } finally {
      await page.close();
    }
  });

  it('parses every recorded fixture event with zero unknown types', async () => {
    const lines = readdirSync(fixturesDir)
      .filter((file) => file.endsWith('.jsonl') && !file.endsWith('.direction.jsonl'))
      .flatMap((file) => {
        const dialect = file.startsWith('beta') ? ('beta' as const) : ('ga' as const);
        const directions = readFileSync(
          `${fixturesDir}${file.replace(/\.jsonl$/, '.direction.jsonl')}`,
          'utf8',
        )
          .trim()
          .split('\n');
        return readFileSync(`${fixturesDir}${file}`, 'utf8')
          .trim()
          .split('\n')
          .map((text, index) => ({
            text,
            dialect,
            client: directions[index]!.includes('client_to_server'),
          }));
      });
    const { page, errors } = await openPage();
    try {
      const result = await page.evaluate(
        (input) => window.parleyCodecs.parseFixtures(input),
        lines,
      );
      expect(errors).toEqual([]);
      expect(result).toEqual({ failures: [], unknown: [], parsed: lines.length });
      // The same lines in Node, for the count.
      const nodeUnknown = lines.filter((line) => {
        const parsed = (line.client ? parseClientEvent : parseServerEvent)(line.text, {
          dialect: line.dialect,
        });
        return !parsed.success || isUnknownEvent(parsed.event);
      });
      expect(nodeUnknown).toEqual([]);
    } finally {
      await page.close();
    }
  });
});
