// Handshake, auth, ephemeral keys, faults and bad input over real loopback sockets.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { startEmulator, type EmulatorHandle } from '../src/index.js';
import { connectRaw } from './helpers.js';

let emulator: EmulatorHandle;
let locked: EmulatorHandle;
let small: EmulatorHandle;
const sockets: WebSocket[] = [];

beforeAll(async () => {
  [emulator, locked, small] = await Promise.all([
    startEmulator({ speechRate: Infinity, speechEngine: 'generated', allowBeta: true }),
    startEmulator({
      requireKey: 'sk-right',
      speechEngine: 'generated',
      maxSessionMs: 300,
    }),
    startEmulator({ speechEngine: 'generated', maxEventBytes: 4096 }),
  ]);
});

afterEach(() => {
  vi.restoreAllMocks();
  for (const socket of sockets.splice(0)) socket.terminate();
});

afterAll(async () => {
  await Promise.all([emulator?.close(), locked?.close(), small?.close()]);
});

async function open(url: string, options: Parameters<typeof connectRaw>[1] = {}) {
  const client = await connectRaw(url, options);
  sockets.push(client.socket);
  return client;
}

/** The HTTP status a handshake was refused with. */
function refusal(
  url: string,
  options: { protocols?: string[]; headers?: Record<string, string> } = {},
): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, options.protocols ?? [], { headers: options.headers });
    sockets.push(socket);
    socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.on('open', () => reject(new Error('the handshake was accepted')));
    socket.on('error', () => undefined);
  });
}

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

describe('handshake and auth', () => {
  it('accepts the key as a subprotocol, tolerates extra subprotocols and answers "realtime"', async () => {
    const { socket, log } = await open(`${emulator.url}?model=gpt-realtime`, {
      protocols: ['realtime', 'openai-insecure-api-key.sk-browser', 'openai-agents-sdk.0.1.0'],
    });
    expect(socket.protocol).toBe('realtime');
    const created = await log.waitFor('session.created');
    expect(created.session.type).toBe('realtime');
  });

  it('answers with the only protocol offered when it is the key, so browsers accept the handshake', async () => {
    const { socket } = await open(`${emulator.url}?model=m`, {
      protocols: ['openai-insecure-api-key.k'],
    });
    expect(socket.protocol).toBe('openai-insecure-api-key.k');
  });

  it('refuses a missing or wrong key with 401 when a key is required, and lets any key through otherwise', async () => {
    expect(await refusal(`${locked.url}?model=gpt-realtime`)).toBe(401);
    expect(await refusal(`${locked.url}?model=gpt-realtime`, bearer('sk-wrong'))).toBe(401);
    const anonymous = await open(`${emulator.url}?model=gpt-realtime`);
    await anonymous.log.waitFor('session.created');
    const { log } = await open(`${locked.url}?model=gpt-realtime`, bearer('sk-right'));
    await log.waitFor('session.created');
  });

  it('speaks beta with allowBeta when the client sends the beta subprotocol or header, for 30 minutes', async () => {
    const byProtocol = await open(`${emulator.url}?model=gpt-4o-realtime-preview`, {
      protocols: ['realtime', 'openai-insecure-api-key.k', 'openai-beta.realtime-v1'],
    });
    const created = await byProtocol.log.waitFor('session.created');
    expect(created.session).toMatchObject({
      modalities: ['audio', 'text'],
      input_audio_format: 'pcm16',
      voice: 'alloy',
    });
    expect(created.session.type).toBeUndefined();
    // Beta sessions expired after 30 minutes in the recordings (GA: 60).
    const betaLeft = (created.session.expires_at as number) - Date.now() / 1000;
    expect(betaLeft).toBeGreaterThan(1790);
    expect(betaLeft).toBeLessThanOrEqual(1800);
    const ga = await open(`${emulator.url}?model=gpt-realtime`);
    const gaLeft =
      ((await ga.log.waitFor('session.created')).session.expires_at as number) - Date.now() / 1000;
    expect(gaLeft).toBeGreaterThan(3590);
    const byHeader = await open(`${emulator.url}?model=gpt-4o-realtime-preview`, {
      headers: { authorization: 'Bearer k', 'OpenAI-Beta': 'realtime=v1' },
    });
    expect((await byHeader.log.waitFor('session.created')).session.modalities).toEqual([
      'audio',
      'text',
    ]);
  });

  it('closes beta connections with 4000 beta_api_shape_disabled by default (beta is retired)', async () => {
    const { closed } = await open(`${locked.url}?model=x`, {
      headers: { authorization: 'Bearer sk-right', 'OpenAI-Beta': 'realtime=v1' },
    });
    expect(await closed).toEqual({ code: 4000, reason: 'beta_api_shape_disabled' });
  });

  it('answers 404 on other paths', async () => {
    expect(await refusal(`${emulator.httpUrl.replace('http', 'ws')}/v1/other`, bearer('k'))).toBe(
      404,
    );
  });
});

describe('ephemeral keys', () => {
  it('mints a GA client secret whose session seeds the connection, until it expires', async () => {
    const response = await fetch(`${emulator.httpUrl}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-server', 'content-type': 'application/json' },
      body: JSON.stringify({
        expires_after: { anchor: 'created_at', seconds: 60 },
        session: {
          type: 'realtime',
          model: 'gpt-realtime-mini',
          instructions: 'Be a pirate.',
          audio: { output: { voice: 'marin' } },
        },
      }),
    });
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      value: string;
      expires_at: number;
      session: Record<string, any>;
    };
    expect(body.value).toMatch(/^ek_[0-9a-f]{32}$/);
    expect(body.expires_at).toBeGreaterThan(Date.now() / 1000 + 50);
    expect(body.session.audio.output.voice).toBe('marin');
    const { log } = await open(`${emulator.url}?model=gpt-realtime`, {
      protocols: ['realtime', `openai-insecure-api-key.${body.value}`],
    });
    const created = await log.waitFor('session.created');
    expect(created.session.instructions).toBe('Be a pirate.');
    const withoutModel = await open(emulator.url, {
      protocols: ['realtime', `openai-insecure-api-key.${body.value}`],
    });
    expect((await withoutModel.log.waitFor('session.created')).session.model).toBe(
      'gpt-realtime-mini',
    );
    expect(created.session.audio.output.voice).toBe('marin');
    const later = Date.now() + 61_000;
    vi.spyOn(Date, 'now').mockReturnValue(later);
    expect(
      await refusal(`${emulator.url}?model=gpt-realtime`, {
        protocols: ['realtime', `openai-insecure-api-key.${body.value}`],
      }),
    ).toBe(401);
  });

  it('mints a beta session key, and refuses keys it never minted', async () => {
    const response = await fetch(`${emulator.httpUrl}/v1/realtime/sessions`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-server' },
      body: JSON.stringify({
        model: 'gpt-4o-realtime-preview-2024-12-17',
        voice: 'verse',
        modalities: ['text'],
      }),
    });
    const body = (await response.json()) as Record<string, any>;
    expect(body.client_secret.value).toMatch(/^ek_/);
    expect(body).toMatchObject({
      voice: 'verse',
      modalities: ['text'],
      model: 'gpt-4o-realtime-preview-2024-12-17',
    });
    expect(body.client_secret.expires_at - Date.now() / 1000).toBeLessThanOrEqual(61);
    expect(
      await refusal(
        `${emulator.url}?model=gpt-realtime`,
        bearer('ek_00000000000000000000000000000000'),
      ),
    ).toBe(401);
  });

  it('rejects an invalid expiry, and a missing key over HTTP when a key is required', async () => {
    const invalid = await fetch(`${emulator.httpUrl}/v1/realtime/client_secrets`, {
      method: 'POST',
      headers: { authorization: 'Bearer k' },
      body: JSON.stringify({ expires_after: { seconds: 5 } }),
    });
    expect(invalid.status).toBe(400);
    expect(((await invalid.json()) as { error: { param: string } }).error.param).toBe(
      'expires_after.seconds',
    );
    const anonymous = await fetch(`${locked.httpUrl}/v1/realtime/client_secrets`, {
      method: 'POST',
    });
    expect(anonymous.status).toBe(401);
  });
});

describe('fault injection by query parameter', () => {
  it('closes after N events with the chosen code', async () => {
    const { closed, log } = await open(
      `${emulator.url}?model=m&fault_close_after_events=1&fault_close_code=4001&fault_close_reason=boom`,
      bearer('k'),
    );
    expect(await closed).toEqual({ code: 4001, reason: 'boom' });
    expect(log.types()).toEqual(['session.created']);
  });

  it('closes after M milliseconds', async () => {
    const { closed } = await open(`${emulator.url}?model=m&fault_close_after_ms=30`, bearer('k'));
    expect((await closed).code).toBe(1011);
  });

  it('injects an error event and keeps the connection', async () => {
    const { log, send } = await open(
      `${emulator.url}?model=m&fault_error_after_events=1&fault_error_code=rate_limit_exceeded`,
      bearer('k'),
    );
    const error = await log.waitFor('error');
    expect(error.error.code).toBe('rate_limit_exceeded');
    send({ type: 'session.update', session: { type: 'realtime' } });
    await log.waitFor('session.updated');
  });

  it('delays every event', async () => {
    const openedAt = Date.now();
    const { log } = await open(`${emulator.url}?model=m&fault_delay_ms=120`, bearer('k'));
    await log.waitFor('session.created');
    expect(Date.now() - openedAt).toBeGreaterThanOrEqual(100);
  });

  it('stalls: the socket stays open and nothing more arrives', async () => {
    const { log, send, socket } = await open(
      `${emulator.url}?model=m&fault_stall_after_events=1`,
      bearer('k'),
    );
    await log.waitFor('session.created');
    send({ type: 'session.update', session: { type: 'realtime' } });
    await expect(log.waitFor('session.updated', () => true, 200)).rejects.toThrow(/timed out/);
    expect(socket.readyState).toBe(WebSocket.OPEN);
  });

  it('refuses the handshake with a chosen status', async () => {
    expect(await refusal(`${emulator.url}?model=m&fault_reject_status=503`, bearer('k'))).toBe(503);
  });
});

describe('limits and bad input', () => {
  it('ends a session at the cap with session_expired', async () => {
    const { log, closed } = await open(`${locked.url}?model=m`, bearer('sk-right'));
    const expired = await log.waitFor('error');
    expect(expired.error).toMatchObject({ code: 'session_expired', type: 'invalid_request_error' });
    expect((await closed).code).toBe(1000);
  });

  it('answers bad frames with real-shaped errors and keeps the connection', async () => {
    const { log, send, socket } = await open(`${small.url}?model=m`, bearer('k'));
    await log.waitFor('session.created');
    socket.send('{not json');
    socket.send(Buffer.from([1, 2, 3]), { binary: true });
    send({ type: 'no.such.event', event_id: 'evt_u' });
    send({ event_id: 'evt_t' });
    send({ type: 'input_audio_buffer.append', audio: 'not base64!', event_id: 'evt_b' });
    send({
      type: 'input_audio_buffer.append',
      audio: Buffer.from([1, 2, 3]).toString('base64'),
      event_id: 'evt_odd',
    });
    send({
      type: 'input_audio_buffer.append',
      audio: Buffer.from('RIFF\0\0\0\0WAVEfmt ').toString('base64'),
      event_id: 'evt_wav',
    });
    send({ type: 'input_audio_buffer.append', audio: 'A'.repeat(5000), event_id: 'evt_big' });
    send({
      type: 'session.update',
      session: { type: 'realtime', voice: 'alloy' },
      event_id: 'evt_s',
    });
    send({ type: 'input_audio_buffer.commit', event_id: 'evt_c' });
    send({ type: 'session.update', session: { type: 'realtime' }, event_id: 'evt_ok' });
    await log.waitFor('session.updated');
    const errors = log.events.filter((event) => event.type === 'error').map((event) => event.error);
    expect(errors.map((error) => [error.code, error.event_id])).toEqual([
      ['invalid_json', null],
      ['invalid_event', null],
      ['invalid_value', 'evt_u'],
      ['invalid_event', 'evt_t'],
      ['invalid_value', 'evt_b'],
      ['invalid_value', 'evt_odd'],
      ['invalid_value', 'evt_wav'],
      ['event_too_large', null],
      ['unknown_parameter', 'evt_s'],
      ['input_audio_buffer_commit_empty', 'evt_c'],
    ]);
    expect(errors.every((error) => error.type === 'invalid_request_error')).toBe(true);
    expect(errors[2].param).toBe('type');
    expect(errors[8]).toMatchObject({
      param: 'session.voice',
      message: "Unknown parameter: 'session.voice'.",
    });
    expect(errors[9].message).toBe(
      'Error committing input audio buffer: buffer too small. Expected at least 100ms of audio, but buffer only has 0.00ms of audio.',
    );
    expect(socket.readyState).toBe(WebSocket.OPEN);
  });

  it('closes with 1009 only beyond twice the event limit (memory stays bounded)', async () => {
    const { socket, closed } = await open(`${small.url}?model=m`, bearer('k'));
    socket.send(JSON.stringify({ type: 'input_audio_buffer.append', audio: 'A'.repeat(10_000) }));
    expect((await closed).code).toBe(1009);
  });
});
