import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type EmulatorHandle } from '../src/index.js';
import { callEmulator, rmsOf } from './webrtc-peer.js';

let emulator: EmulatorHandle;
beforeAll(async () => {
  emulator = await startEmulator({ port: 0, speechRate: Infinity, speechEngine: 'generated' });
});
afterAll(async () => {
  await emulator.close();
});

describe('WebRTC calls (POST /v1/realtime/calls)', () => {
  it('answers an offer with 201, an SDP answer and a Location naming the call', async () => {
    const caller = await callEmulator(emulator.httpUrl);
    expect(caller.callId).toMatch(/^rtc_[0-9a-f]{32}$/);
    const created = await caller.events.waitFor('session.created');
    expect(created.session.type).toBe('realtime');
    expect(emulator.calls).toBe(1);
    await caller.close();
  });

  it('plays a reply on the remote track, with output_audio_buffer events and no audio deltas', async () => {
    const caller = await callEmulator(emulator.httpUrl);
    await caller.events.waitFor('session.created');
    caller.send({ type: 'emulator.reply', text: 'Short answer.' });
    caller.send({ type: 'response.create' });
    const started = await caller.events.waitFor('output_audio_buffer.started');
    const done = await caller.events.waitFor('response.done');
    const stopped = await caller.events.waitFor('output_audio_buffer.stopped');
    expect(started.response_id).toBe(done.response.id);
    expect(stopped.response_id).toBe(done.response.id);
    const types = caller.events.types();
    expect(types.indexOf('output_audio_buffer.stopped')).toBeGreaterThan(
      types.indexOf('response.done'),
    );
    expect(types).not.toContain('response.output_audio.delta');
    expect(caller.received.length).toBeGreaterThan(10);
    expect(rmsOf(caller.received)).toBeGreaterThan(0.01);
    await caller.close();
  });

  it('moves the RTP timestamp over the pause between two replies, as a continuous stream would', async () => {
    const caller = await callEmulator(emulator.httpUrl);
    await caller.events.waitFor('session.created');
    caller.send({ type: 'emulator.reply', text: 'First.' });
    caller.send({ type: 'response.create' });
    const first = await caller.events.waitFor('output_audio_buffer.stopped');
    // Its last frame went before its stopped; the next reply's first goes after this wait.
    await new Promise((resolve) => setTimeout(resolve, 500));
    caller.send({ type: 'emulator.reply', text: 'Second.' });
    caller.send({ type: 'response.create' });
    await caller.events.waitFor('output_audio_buffer.stopped', (e) => e !== first);
    await expect.poll(() => caller.packets.filter((p) => p.marker).length).toBe(2);
    const packets = caller.packets; // in order: loopback
    const resumed = packets.map((packet) => packet.marker).lastIndexOf(true);
    expect(resumed).toBeGreaterThan(0);
    // Consecutive packets, 500 ms or more apart in RTP time (48 kHz); one frame (960) would make
    // a browser's jitter buffer count the second reply as 500 ms late and hold what follows.
    const [last, next] = [packets[resumed - 1]!, packets[resumed]!];
    expect((next.sequenceNumber - last.sequenceNumber) & 0xffff).toBe(1);
    expect((next.timestamp - last.timestamp) >>> 0).toBeGreaterThanOrEqual(500 * 48);
    await caller.close();
  });

  it('clears the buffer on output_audio_buffer.clear and truncates the item at what was played', async () => {
    const caller = await callEmulator(emulator.httpUrl);
    await caller.events.waitFor('session.created');
    caller.send({
      type: 'emulator.reply',
      text: 'This is a long reply that keeps talking for several seconds so it can be cut.',
    });
    caller.send({ type: 'response.create' });
    await caller.events.waitFor('output_audio_buffer.started');
    await new Promise((resolve) => setTimeout(resolve, 600));
    // The documented manual interruption: cancel the response, then clear the buffer.
    caller.send({ type: 'response.cancel' });
    caller.send({ type: 'output_audio_buffer.clear' });
    const cleared = await caller.events.waitFor('output_audio_buffer.cleared');
    const truncated = await caller.events.waitFor('conversation.item.truncated');
    const done = await caller.events.waitFor('response.done');
    expect(cleared.response_id).toBe(done.response.id);
    expect(truncated.audio_end_ms).toBeGreaterThan(300);
    expect(truncated.audio_end_ms).toBeLessThan(5000);
    expect(caller.events.types()).not.toContain('output_audio_buffer.stopped');
    await caller.close();
  });

  it('hears the microphone: Opus in, VAD, a committed user turn and a spoken reply', async () => {
    const { generateVoiceLikeSpeech } = await import('../src/speech.js');
    const caller = await callEmulator(emulator.httpUrl);
    await caller.events.waitFor('session.created');
    const speech = generateVoiceLikeSpeech('hello there my friend', 'alloy').samples;
    const silence = Buffer.alloc(24000 * 2 * 0.8);
    await caller.speak(
      Buffer.concat([
        silence,
        Buffer.from(speech.buffer, speech.byteOffset, speech.byteLength),
        silence,
      ]),
    );
    await caller.events.waitFor('input_audio_buffer.speech_started');
    await caller.events.waitFor('input_audio_buffer.committed');
    await caller.events.waitFor('output_audio_buffer.started');
    await caller.close();
  });

  it('barges in: speech over the reply clears the buffer and truncates the item at what was played', async () => {
    const { generateVoiceLikeSpeech } = await import('../src/speech.js');
    const caller = await callEmulator(emulator.httpUrl);
    await caller.events.waitFor('session.created');
    caller.send({
      type: 'emulator.reply',
      text: 'Here is a long answer that goes on for quite a while so that it can be interrupted.',
    });
    caller.send({ type: 'response.create' });
    const started = await caller.events.waitFor('output_audio_buffer.started');
    const speech = generateVoiceLikeSpeech('wait stop', 'alloy').samples;
    await caller.speak(
      Buffer.concat([
        Buffer.alloc(24000 * 2 * 0.4),
        Buffer.from(speech.buffer, speech.byteOffset, speech.byteLength),
      ]),
    );
    // Waited for, not looked up: speak() returns without yielding once its frames fall behind
    // their times (a loaded machine), before the call has heard them.
    const speechStarted = await caller.events.waitFor('input_audio_buffer.speech_started');
    const from = caller.events.events.indexOf(speechStarted);
    const cleared = await caller.events.waitFor('output_audio_buffer.cleared');
    const truncated = await caller.events.waitFor('conversation.item.truncated');
    expect(cleared.response_id).toBe(started.response_id);
    const types = caller.events.types();
    expect(types.indexOf('output_audio_buffer.cleared')).toBeGreaterThan(from);
    expect(truncated.audio_end_ms).toBeGreaterThan(200);
    expect(types).not.toContain('output_audio_buffer.stopped');
    await caller.close();
  });

  it('lets a sideband (?call_id=) see the events and act on the session', async () => {
    const { WebSocket } = await import('ws');
    const callsBefore = emulator.calls;
    const caller = await callEmulator(emulator.httpUrl);
    await caller.events.waitFor('session.created');
    const sideband = new WebSocket(`${emulator.url}?call_id=${caller.callId}`, {
      headers: { authorization: 'Bearer test-key' },
    });
    const seen: Array<Record<string, any>> = [];
    sideband.on('message', (data) => seen.push(JSON.parse(data.toString())));
    await new Promise((resolve) => sideband.once('open', resolve));
    sideband.send(
      JSON.stringify({
        type: 'session.update',
        session: { type: 'realtime', instructions: 'From the server.' },
      }),
    );
    const updated = await caller.events.waitFor('session.updated');
    expect(updated.session.instructions).toBe('From the server.');
    expect(seen.some((event) => event.type === 'session.updated')).toBe(true);
    const closed = new Promise<number>((resolve) => sideband.once('close', resolve));
    const hangup = await fetch(`${emulator.httpUrl}/v1/realtime/calls/${caller.callId}/hangup`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-key' },
    });
    expect(hangup.status).toBe(200);
    expect(await closed).toBe(1000);
    expect(emulator.calls).toBe(callsBefore);
    await caller.close();
  });

  it('refuses what is not a call: wrong content type 415, no SDP 400, unknown sideband 404', async () => {
    const post = (body: string, type: string) =>
      fetch(`${emulator.httpUrl}/v1/realtime/calls`, {
        method: 'POST',
        headers: { authorization: 'Bearer test-key', 'content-type': type },
        body,
      });
    expect((await post('{}', 'application/json')).status).toBe(415);
    expect((await post('', 'application/sdp')).status).toBe(400);
    const bad = await post('v=0\r\nnot an offer\r\n', 'application/sdp');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('invalid_offer');
    const { WebSocket } = await import('ws');
    const socket = new WebSocket(`${emulator.url}?call_id=rtc_unknown`);
    const status = await new Promise<number>((resolve) =>
      socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0)),
    );
    expect(status).toBe(404);
  });
});
