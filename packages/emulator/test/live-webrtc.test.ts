// GPT-Live over WebRTC against the emulator (issue 17): `POST /v1/live/sessions` with a WebRTC
// transport answered by a real peer, a werift caller on loopback, Opus both ways, the `oai-events`
// channel under `client.data_channel` permissions, and a sideband attached with `/attach`.
import { WebSocket } from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../src/index.js';
import { EventLog, type WireEvent } from './helpers.js';
import { callLiveEmulator, rmsOf } from './webrtc-peer.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, speechEngine: 'generated' });
});
afterAll(async () => {
  await emulator.close();
});

function attach(sessionId: string): { socket: WebSocket; log: EventLog; opened: Promise<void> } {
  const socket = new WebSocket(`${emulator.liveUrl}/${sessionId}/attach`, {
    headers: { authorization: 'Bearer test-key' },
  });
  const log = new EventLog();
  socket.on('message', (data) => log.push(JSON.parse(data.toString()) as WireEvent));
  const opened = new Promise<void>((resolve) => socket.once('open', () => resolve()));
  return { socket, log, opened };
}

const said = (log: EventLog) =>
  log.events
    .filter((event) => event.type === 'session.output_transcript.delta')
    .map((event) => event.delta as string)
    .join('');

describe('GPT-Live over WebRTC (POST /v1/live/sessions, transport webrtc)', () => {
  it('plays the model on the remote track, sends the JSON events on a restricted channel, and lets a sideband steer', async () => {
    const caller = await callLiveEmulator(emulator.httpUrl, {
      model: 'gpt-live-1',
      instructions: 'You are a test agent.',
      client: {
        data_channel: {
          allowed_client_events: ['session.input_audio.mute', 'session.input_audio.unmute'],
          allowed_server_events: [
            'session.started',
            'session.output_transcript.delta',
            'session.input_audio.muted',
            'session.closed',
            'error',
          ],
        },
      },
    });
    expect(caller.callId).toMatch(/^live_/);
    expect(emulator.liveSessionIds()).toContain(caller.callId);
    await caller.events.waitFor('info');
    expect(caller.events.types().slice(0, 2)).toEqual(['session.started', 'info']);

    const sideband = attach(caller.callId);
    await sideband.opened;
    await sideband.log.waitFor('session.started');
    sideband.socket.send(
      JSON.stringify({
        type: 'session.instructions.append',
        event_id: 'greet',
        delegation_id: null,
        content: 'Say exactly this, and nothing else: "Hello from the media track."',
      }),
    );
    // The session's clock runs on the microphone's media: stream silence until the model spoke.
    const silence = Buffer.alloc(24000 * 2 * 0.2);
    for (let round = 0; round < 60 && !said(caller.events).includes('media track.'); round++)
      await caller.speak(silence);
    expect(said(caller.events)).toContain('Hello from the media track.');
    expect((await sideband.log.waitFor('session.instructions.appended')).client_event_id).toBe(
      'greet',
    );
    // The reply arrived as Opus on the remote track, never as events on the channel.
    for (let round = 0; round < 10 && rmsOf(caller.received) < 0.01; round++)
      await caller.speak(silence);
    expect(rmsOf(caller.received)).toBeGreaterThan(0.01);
    expect(caller.events.types().some((type) => type.includes('audio.delta'))).toBe(false);
    // The sideband hears the input (reflected, PCM16 24 kHz) and the timed output.
    expect(sideband.log.types()).toContain('session.input_audio.append');
    expect(
      sideband.log.events.some(
        (event) => event.type === 'session.output_audio.delta' && event.start_ms !== undefined,
      ),
    ).toBe(true);

    // The channel may mute; it may not inject instructions.
    caller.send({ type: 'session.input_audio.mute', event_id: 'm1' });
    expect((await caller.events.waitFor('session.input_audio.muted')).client_event_id).toBe('m1');
    caller.send({
      type: 'session.instructions.append',
      event_id: 'x1',
      delegation_id: null,
      content: 'Say exactly this: "I was told by the browser."',
    });
    const refused = await caller.events.waitFor('error');
    expect(refused.error).toMatchObject({ code: 'event_not_allowed', client_event_id: 'x1' });

    const hangup = await fetch(`${emulator.httpUrl}/v1/live/sessions/${caller.callId}/hangup`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key' },
    });
    expect(hangup.status).toBe(200);
    expect((await caller.events.waitFor('session.closed')).reason).toBe('close_requested');
    expect((await sideband.log.waitFor('session.closed')).reason).toBe('close_requested');
    await caller.close();
  });

  it("closes the session on a sideband's session.close, with the final usage seconds of the media", async () => {
    const caller = await callLiveEmulator(emulator.httpUrl, { model: 'gpt-live-1' });
    await caller.events.waitFor('session.started');
    const sideband = attach(caller.callId);
    let reflectedMs = 0;
    sideband.socket.on('message', (data) => {
      const event = JSON.parse(data.toString()) as WireEvent;
      // Reflected input is PCM16 24 kHz mono: 48 bytes a millisecond.
      if (event.type === 'session.input_audio.append')
        reflectedMs += Buffer.from(event.audio as string, 'base64').length / 48;
    });
    const closedSocket = new Promise<number>((resolve) =>
      sideband.socket.once('close', (code) => resolve(code)),
    );
    await sideband.log.waitFor('session.started');
    // The session's clock runs on the microphone's media: one second of it, all reflected.
    await caller.speak(Buffer.alloc(24000 * 2));
    await expect.poll(() => reflectedMs, { timeout: 10_000 }).toBeGreaterThanOrEqual(1000);
    sideband.socket.send(JSON.stringify({ type: 'session.close', event_id: 'close_1' }));

    const closed = await sideband.log.waitFor('session.closed');
    expect(closed).toMatchObject({ reason: 'close_requested', client_event_id: 'close_1' });
    // No periodic update came (15 s cadence): the final figure is the whole second, to 0.1 s.
    expect(sideband.log.types()).not.toContain('session.usage.updated');
    expect(
      Math.abs((closed.usage as { seconds: number }).seconds - reflectedMs / 1000),
    ).toBeLessThanOrEqual(0.1);
    expect((await caller.events.waitFor('session.closed')).reason).toBe('close_requested');
    // The socket ends as observed upstream (an empty close frame: 1005), the session with it.
    expect(await closedSocket).toBe(1005);
    expect(emulator.liveSessionIds()).not.toContain(caller.callId);
    await caller.close();
  });

  it('ends the session when the caller leaves (connection_lost, to the sideband)', async () => {
    const caller = await callLiveEmulator(emulator.httpUrl, { model: 'gpt-live-1' });
    await caller.events.waitFor('session.started');
    const sideband = attach(caller.callId);
    await sideband.log.waitFor('session.started');
    await caller.close();
    expect((await sideband.log.waitFor('session.closed')).reason).toBe('connection_lost');
  });
});
