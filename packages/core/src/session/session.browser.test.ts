// The voice session with the browser WebSocket in real Chromium: bundled for the browser platform
// (so `ws` must stay out of it), authenticated with subprotocols only, holding a text turn against
// a scripted Realtime server on loopback.
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { launchChromium } from '../../../../scripts/chromium.mjs';

const srcDir = fileURLToPath(new URL('..', import.meta.url));

const entry = `
import { createVoiceSession } from './session/voice-session.ts';
import { createWebSocketTransport } from './transport/websocket-transport.ts';
window.runSession = async (url) => {
  const session = createVoiceSession({
    credentials: () => Promise.resolve({ url, protocols: ['realtime', 'parley-ticket.tk_browser'], serverRunsTools: true, managedSession: true }),
    transport: createWebSocketTransport(),
  });
  await session.connect();
  session.sendText('Hello from Chromium');
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer')), 5000);
    const off = session.subscribe(() => {
      // Done when the response is: its usage has arrived.
      if (session.getSnapshot().usage.responses === 1) { clearTimeout(timer); off(); resolve(); }
    });
  });
  const snapshot = session.getSnapshot();
  await session.disconnect();
  return { status: snapshot.status, items: snapshot.items.map((item) => [item.role, item.text]), responses: snapshot.usage.responses };
};
`;

let bundle: string;
let browser: Browser | undefined;
let server: WebSocketServer;
let url: string;
const handshakes: { protocol: string | undefined; authorization: string | undefined }[] = [];
const received: string[] = [];

beforeAll(async () => {
  const result = await build({
    stdin: { contents: entry, resolveDir: srcDir, loader: 'ts', sourcefile: 'session-entry.ts' },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  });
  bundle = result.outputFiles[0]!.text;
  server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    handleProtocols: (protocols) => (protocols.has('realtime') ? 'realtime' : false),
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/api/realtime`;
  server.on('connection', (socket, request) => {
    handshakes.push({
      protocol: request.headers['sec-websocket-protocol'],
      authorization: request.headers.authorization,
    });
    const send = (event: object) => socket.send(JSON.stringify({ event_id: 'event_x', ...event }));
    send({
      type: 'session.created',
      session: { type: 'realtime', id: 'sess_browser', model: 'gpt-realtime' },
    });
    socket.on('message', (data) => {
      const event = JSON.parse((data as Buffer).toString('utf8')) as {
        type: string;
        item?: object;
      };
      received.push(event.type);
      if (event.type === 'conversation.item.create') {
        send({ type: 'conversation.item.added', previous_item_id: null, item: event.item });
      }
      if (event.type === 'response.create') {
        const ref = { response_id: 'resp_b', item_id: 'item_b', output_index: 0, content_index: 0 };
        send({
          type: 'response.created',
          response: {
            id: 'resp_b',
            status: 'in_progress',
            output: [],
            conversation_id: 'conv_b',
            usage: null,
          },
        });
        send({
          type: 'response.output_item.added',
          response_id: 'resp_b',
          output_index: 0,
          item: {
            id: 'item_b',
            type: 'message',
            status: 'in_progress',
            role: 'assistant',
            content: [],
          },
        });
        send({ type: 'response.output_text.delta', ...ref, delta: 'Hi, ' });
        send({ type: 'response.output_text.delta', ...ref, delta: 'browser.' });
        send({
          type: 'response.output_item.done',
          response_id: 'resp_b',
          output_index: 0,
          item: {
            id: 'item_b',
            type: 'message',
            status: 'completed',
            role: 'assistant',
            content: [{ type: 'output_text', text: 'Hi, browser.' }],
          },
        });
        send({
          type: 'response.done',
          response: {
            id: 'resp_b',
            status: 'completed',
            output: [],
            conversation_id: 'conv_b',
            usage: { input_tokens: 5, output_tokens: 4 },
          },
        });
      }
    });
  });
  browser = await launchChromium({ chromium });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  for (const client of server.clients) client.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('the voice session in Chromium', { timeout: 30_000 }, () => {
  it('keeps `ws` out of the browser bundle', () => {
    expect(bundle).not.toMatch(/require\(["']ws["']\)/);
    expect(bundle).not.toContain('node_modules/ws');
  });

  it('connects with subprotocol auth only and holds a text turn', async () => {
    const page = await browser!.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    try {
      await page.setContent('<!doctype html><title>session</title>');
      await page.addScriptTag({ content: bundle });
      const result = await page.evaluate(
        (target) =>
          (window as unknown as { runSession(url: string): Promise<unknown> }).runSession(target),
        url,
      );
      expect(errors).toEqual([]);
      expect(result).toEqual({
        status: 'connected',
        items: [
          ['user', 'Hello from Chromium'],
          ['assistant', 'Hi, browser.'],
        ],
        responses: 1,
      });
      expect(handshakes[0]).toEqual({
        protocol: 'realtime, parley-ticket.tk_browser',
        authorization: undefined,
      });
      expect(received).toEqual(['conversation.item.create', 'response.create']);
    } finally {
      await page.close();
    }
  });
});
