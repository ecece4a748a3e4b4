// A real Chromium: its WebSocket only accepts a handshake whose answered subprotocol is one it
// offered, and it can send the key only as a subprotocol. Also the HTTP endpoints from a page.
import * as playwright from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../scripts/chromium.mjs';
import { startEmulator, type EmulatorHandle } from '../src/index.js';

let emulator: EmulatorHandle;
let browser: playwright.Browser;

beforeAll(async () => {
  emulator = await startEmulator({
    speechRate: Infinity,
    speechEngine: 'generated',
    allowBeta: true,
  });
  browser = await launchChromium(playwright);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
});

describe('from a browser', () => {
  it('connects with the key as a subprotocol and an extra SDK subprotocol, in GA and beta', async () => {
    const page = await browser.newPage();
    try {
      const results = await page.evaluate(async (url: string) => {
        const open = (protocols: string[]) =>
          new Promise<{ protocol: string; type: string; modalities: unknown }>(
            (resolve, reject) => {
              const socket = new WebSocket(url, protocols);
              socket.onmessage = (message) => {
                const event = JSON.parse(String(message.data)) as {
                  type: string;
                  session: { modalities?: unknown };
                };
                resolve({
                  protocol: socket.protocol,
                  type: event.type,
                  modalities: event.session.modalities ?? null,
                });
                socket.close();
              };
              socket.onerror = () => reject(new Error('handshake failed'));
            },
          );
        return [
          await open(['realtime', 'openai-insecure-api-key.sk-browser', 'openai-agents-sdk.0.1.0']),
          await open(['realtime', 'openai-insecure-api-key.sk-browser', 'openai-beta.realtime-v1']),
        ];
      }, `${emulator.url}?model=gpt-realtime`);
      expect(results).toEqual([
        { protocol: 'realtime', type: 'session.created', modalities: null },
        { protocol: 'realtime', type: 'session.created', modalities: ['audio', 'text'] },
      ]);
    } finally {
      await page.close();
    }
  });

  it('mints a client secret from a page on another origin (CORS) and connects with it', async () => {
    const page = await browser.newPage();
    try {
      const result = await page.evaluate(
        async ({ httpUrl, url }: { httpUrl: string; url: string }) => {
          const response = await fetch(`${httpUrl}/v1/realtime/client_secrets`, {
            method: 'POST',
            headers: { authorization: 'Bearer sk-dev', 'content-type': 'application/json' },
            body: JSON.stringify({
              session: { type: 'realtime', instructions: 'From the browser.' },
            }),
          });
          const secret = (await response.json()) as { value: string };
          return new Promise<string>((resolve, reject) => {
            const socket = new WebSocket(url, [
              'realtime',
              `openai-insecure-api-key.${secret.value}`,
            ]);
            socket.onmessage = (message) => {
              resolve(
                (JSON.parse(String(message.data)) as { session: { instructions: string } }).session
                  .instructions,
              );
              socket.close();
            };
            socket.onerror = () => reject(new Error('handshake failed'));
          });
        },
        { httpUrl: emulator.httpUrl, url: `${emulator.url}?model=gpt-realtime` },
      );
      expect(result).toBe('From the browser.');
    } finally {
      await page.close();
    }
  });
});
