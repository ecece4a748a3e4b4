// A real Chromium calls the emulator over WebRTC: its offer (Opus, the `oai-events` channel), ICE
// to the emulator's loopback candidate, DTLS-SRTP, its fake microphone heard by the VAD, and the
// reply played on its remote track.
import * as playwright from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../../../scripts/chromium.mjs';
import { startEmulator, type EmulatorHandle } from '../src/index.js';

let emulator: EmulatorHandle;
let browser: playwright.Browser;

beforeAll(async () => {
  emulator = await startEmulator({ speechRate: Infinity, speechEngine: 'generated' });
  browser = await launchChromium(playwright);
}, 30_000);

afterAll(async () => {
  await browser?.close();
  await emulator?.close();
});

describe('WebRTC from Chromium', () => {
  it('connects, hears the microphone, plays a reply on the remote track and says when it stopped', async () => {
    const page = await browser.newPage();
    try {
      // A page on 127.0.0.1 is a secure context, where getUserMedia exists.
      await page.goto(`${emulator.httpUrl}/health`);
      const result = await page.evaluate(async (httpUrl: string) => {
        const peer = new RTCPeerConnection();
        // Played through an element, as an app does (Chromium decodes a remote track it plays).
        const speaker = document.createElement('audio');
        speaker.autoplay = true;
        document.body.append(speaker);
        peer.ontrack = (event) => {
          speaker.srcObject = event.streams[0] ?? new MediaStream([event.track]);
        };
        const microphone = await navigator.mediaDevices.getUserMedia({ audio: true });
        for (const track of microphone.getTracks()) peer.addTrack(track, microphone);
        const channel = peer.createDataChannel('oai-events');
        const events: Array<{ type: string; [key: string]: unknown }> = [];
        const waitFor = (type: string, timeoutMs = 20_000) =>
          new Promise<Record<string, unknown>>((resolve, reject) => {
            const seen = events.find((event) => event.type === type);
            if (seen) return resolve(seen);
            const timer = setTimeout(
              () => reject(new Error(`no ${type}; saw ${events.map((e) => e.type).join(',')}`)),
              timeoutMs,
            );
            channel.addEventListener('message', function listener(message) {
              const event = JSON.parse(String(message.data)) as { type: string };
              if (event.type !== type) return;
              clearTimeout(timer);
              channel.removeEventListener('message', listener);
              resolve(event);
            });
          });
        channel.addEventListener('message', (message) =>
          events.push(JSON.parse(String(message.data))),
        );
        await peer.setLocalDescription(await peer.createOffer());
        const response = await fetch(`${httpUrl}/v1/realtime/calls`, {
          method: 'POST',
          headers: { authorization: 'Bearer test-key', 'content-type': 'application/sdp' },
          body: peer.localDescription!.sdp,
        });
        const location = response.headers.get('location');
        await peer.setRemoteDescription({ type: 'answer', sdp: await response.text() });
        await waitFor('session.created');
        // The fake microphone's beeps are speech to an energy VAD: the user turn is committed.
        await waitFor('input_audio_buffer.committed');
        channel.send(
          JSON.stringify({
            type: 'session.update',
            session: { type: 'realtime', audio: { input: { turn_detection: null } } },
          }),
        );
        await waitFor('session.updated');
        channel.send(JSON.stringify({ type: 'emulator.reply', text: 'Hello from the emulator.' }));
        channel.send(JSON.stringify({ type: 'response.create' }));
        await waitFor('output_audio_buffer.stopped');
        type RtpStats = {
          type: string;
          kind?: string;
          packetsReceived?: number;
          packetsSent?: number;
          totalAudioEnergy?: number;
        };
        let inbound: RtpStats = { type: 'none' };
        let outbound: RtpStats = { type: 'none' };
        (await peer.getStats()).forEach((report: RtpStats) => {
          if (report.kind !== 'audio') return;
          if (report.type === 'inbound-rtp') inbound = report;
          if (report.type === 'outbound-rtp') outbound = report;
        });
        const types = events.map((event) => event.type);
        peer.close();
        return {
          status: response.status,
          location,
          types,
          packetsReceived: inbound.packetsReceived ?? 0,
          totalAudioEnergy: inbound.totalAudioEnergy ?? 0,
          packetsSent: outbound.packetsSent ?? 0,
        };
      }, emulator.httpUrl);
      expect(result.status).toBe(201);
      expect(result.location).toMatch(/^\/v1\/realtime\/calls\/rtc_/);
      expect(result.types).toContain('input_audio_buffer.speech_started');
      expect(result.types).toContain('output_audio_buffer.started');
      expect(result.types).not.toContain('response.output_audio.delta');
      expect(result.packetsSent).toBeGreaterThan(20);
      expect(result.packetsReceived).toBeGreaterThan(20);
      expect(result.totalAudioEnergy).toBeGreaterThan(0);
    } finally {
      await page.close();
    }
  }, 60_000);
});
