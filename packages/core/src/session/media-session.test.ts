// A session whose transport may carry the audio as media (WebRTC): the audio port follows where
// the audio goes, mute and levels go to the transport, and the snapshot says which transport.
import { describe, expect, it } from 'vitest';
import type { AudioLevels, TransportMedia, TransportOpenInfo } from '../ports.js';
import { FakeTransport } from '../test-utils/fake-transport.js';
import { createTestSession, server, settle } from '../test-utils/session-kit.js';

/** A fake transport with a media side; `open(info)` says which transport opened. */
class FakeMediaTransport extends FakeTransport {
  readonly mutes: boolean[] = [];
  private readonly levelListeners = new Set<(levels: AudioLevels) => void>();
  readonly media: TransportMedia;
  constructor(mode: TransportMedia['mode']) {
    super();
    const mutes = this.mutes;
    const levelListeners = this.levelListeners;
    this.media = {
      mode,
      setInputMuted: (muted) => mutes.push(muted),
      onLevels(listener) {
        levelListeners.add(listener);
        return () => levelListeners.delete(listener);
      },
    };
  }
  openWith(info: TransportOpenInfo): void {
    const connection = this.current;
    connection.state = 'open';
    connection.handlers.onOpen(info);
  }
  emitLevels(levels: AudioLevels): void {
    for (const listener of this.levelListeners) listener(levels);
  }
}

const webrtc: TransportOpenInfo = { transport: 'webrtc', media: true };
const fellBack: TransportOpenInfo = {
  transport: 'websocket',
  media: false,
  fallbackReason: 'ice_failed',
};

async function connectWith(mode: TransportMedia['mode'], info: TransportOpenInfo) {
  const transport = new FakeMediaTransport(mode);
  const kit = createTestSession({ transport });
  const connected = kit.session.connect();
  await settle();
  transport.openWith(info);
  transport.receive(server.sessionCreated());
  if (transport.sentOf('session.update').length > 0) transport.receive(server.sessionUpdated());
  await connected;
  return { ...kit, transport };
}

describe('a session over a transport that can carry media', () => {
  it('never starts the audio port when the transport always carries the audio', async () => {
    const { session, audio } = await connectWith('media', webrtc);
    expect(audio.started).toBe(false);
    expect(session.getSnapshot().transport).toBe('webrtc');
    expect(session.getSnapshot().transportFallbackReason).toBeNull();
  });

  it("an 'auto' transport that opened WebRTC leaves the audio port off", async () => {
    const { audio } = await connectWith('either', webrtc);
    expect(audio.started).toBe(false);
  });

  it("an 'auto' transport that fell back starts the audio port and shows why", async () => {
    const { session, audio } = await connectWith('either', fellBack);
    expect(audio.started).toBe(true);
    expect(session.getSnapshot().transport).toBe('websocket');
    expect(session.getSnapshot().transportFallbackReason).toBe('ice_failed');
  });

  it('stops the audio port when a reconnect lands on WebRTC after a fallback', async () => {
    const { transport, audio, clock } = await connectWith('either', fellBack);
    expect(audio.started).toBe(true);
    transport.drop();
    clock.advance(60_000);
    await settle();
    transport.openWith(webrtc);
    transport.receive(server.sessionCreated());
    expect(audio.started).toBe(false);
  });

  it('mutes the media track, before connecting too', async () => {
    const transport = new FakeMediaTransport('media');
    const kit = createTestSession({ transport });
    kit.session.mute(true);
    const connected = kit.session.connect();
    await settle();
    transport.openWith(webrtc);
    transport.receive(server.sessionCreated());
    await connected;
    expect(transport.mutes.at(-1)).toBe(true);
    kit.session.mute(false);
    expect(transport.mutes.at(-1)).toBe(false);
  });

  it('passes the transport levels to level listeners', async () => {
    const { session, transport } = await connectWith('media', webrtc);
    const seen: AudioLevels[] = [];
    session.on('levels', (levels) => seen.push(levels));
    const levels: AudioLevels = {
      input: { rms: 0.1, peak: 0.3 },
      output: { rms: 0.2, peak: 0.5 },
      inputSpeaking: true,
    };
    transport.emitLevels(levels);
    expect(seen).toEqual([levels]);
  });

  it('sends no microphone audio events over media', async () => {
    const { session, transport } = await connectWith('media', webrtc);
    session.sendAudio(new Int16Array(480));
    expect(transport.sentTypes({ includeAudio: true })).not.toContain('input_audio_buffer.append');
  });
});
