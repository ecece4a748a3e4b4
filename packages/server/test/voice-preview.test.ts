// synthesizePreview against a loopback Realtime stand-in that misbehaves: refuses, stays silent,
// or talks too long.
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { synthesizePreview } from '../src/admin/voice-preview.js';
import type { Upstream } from '../src/upstream.js';

describe('synthesizePreview', () => {
  let server: WebSocketServer;
  let upstream: Upstream;
  const sessions: unknown[][] = [];

  beforeAll(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const port = (server.address() as AddressInfo).port;
    server.on('connection', (socket, request) => {
      const behaviour = new URL(request.url ?? '/', 'http://x').searchParams.get('model');
      const received: unknown[] = [];
      sessions.push(received);
      socket.on('message', (data) => {
        const event = JSON.parse(String(data)) as { type: string };
        received.push(event);
        if (event.type !== 'response.create') return;
        if (behaviour === 'refuse') {
          socket.send(JSON.stringify({ type: 'error', error: { message: 'Invalid voice' } }));
        } else if (behaviour === 'chatty') {
          const delta = Buffer.alloc(4800, 7).toString('base64');
          for (let i = 0; i < 10; i += 1)
            socket.send(JSON.stringify({ type: 'response.output_audio.delta', delta }));
        } else if (behaviour === 'mute') {
          socket.send(JSON.stringify({ type: 'response.done', response: { status: 'completed' } }));
        }
        // 'silent': never answers
      });
    });
    upstream = {
      kind: 'emulator',
      description: 'stand-in',
      realtimeUrl: (model) => `ws://127.0.0.1:${port}/v1/realtime?model=${model}`,
      liveUrl: () => `ws://127.0.0.1:${port}/v1/live/sessions`,
      headers: () => ({}),
      close: () => Promise.resolve(),
    };
  });

  afterAll(async () => {
    for (const client of server.clients) client.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const request = (model: string) => ({ voice: 'ash', model, speed: 1.25, text: 'Hello.' });

  it('sends the voice, speed and text upstream and fails with the upstream message', async () => {
    await expect(synthesizePreview(upstream, request('refuse'))).rejects.toMatchObject({
      status: 502,
      code: 'upstream_error',
      message: expect.stringContaining('Invalid voice'),
    });
    const [update, create] = sessions.at(-1) as [any, any];
    expect(update.session.audio.output).toMatchObject({ voice: 'ash', speed: 1.25 });
    expect(create.response.instructions).toContain('Hello.');
  });

  it('times out (504) when the upstream never answers', async () => {
    await expect(
      synthesizePreview(upstream, request('silent'), { timeoutMs: 200, maxAudioBytes: 1000 }),
    ).rejects.toMatchObject({ status: 504, code: 'upstream_timeout' });
  });

  it('answers 502 when the response carries no audio', async () => {
    await expect(synthesizePreview(upstream, request('mute'))).rejects.toMatchObject({
      status: 502,
    });
  });

  it('cuts the audio at the byte cap', async () => {
    const wav = await synthesizePreview(upstream, request('chatty'), {
      timeoutMs: 5000,
      maxAudioBytes: 10_001,
    });
    expect(wav.readUInt32LE(40)).toBe(10_000);
    expect(wav.length).toBe(10_044);
  });
});
