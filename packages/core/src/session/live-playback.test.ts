// GPT-Live output after a barge-in, and mute over a media transport: a real VoiceSession on fake
// ports (the audio port drops chunks of a flushed id, as the player's queue does).
import { describe, expect, it, vi } from 'vitest';
import type { Credentials, TransportMedia } from '../ports.js';
import { bargeIn, silentOutputDelta } from '../test-utils/live-sequences.js';
import type { LiveServerEvent } from '../protocol/live/server-events.js';
import { FakeTransport } from '../test-utils/fake-transport.js';
import { createTestSession, settle } from '../test-utils/session-kit.js';
import type { MessageItem } from '../types.js';
import type { VoiceSession } from './types.js';

const credentials = () =>
  Promise.resolve<Credentials>({ url: 'wss://emulator.test/v1/live/sessions', protocol: 'live' });

const events = bargeIn.steps.flatMap((step): LiveServerEvent[] =>
  step.from === 'server' ? [step.event] : [],
);

const messages = (items: readonly unknown[]) =>
  items.filter((item): item is MessageItem => (item as MessageItem).type === 'message');

/** `count` deltas of 100 ms of silence on the output track. */
function silence(kit: { transport: FakeTransport }, count: number): void {
  for (let index = 0; index < count; index++) {
    kit.transport.receive({ type: 'session.output_audio.delta', delta: silentOutputDelta });
  }
}

async function started(transport?: FakeTransport) {
  const kit = createTestSession({
    credentials,
    liveSession: { model: 'gpt-live-1.1' },
    ...(transport === undefined ? {} : { transport }),
  });
  void kit.session.connect();
  await vi.waitFor(() => {
    if (kit.transport.connections.length < 1) throw new Error('not open yet');
  });
  await settle();
  return kit;
}

describe('Live output after a barge-in', () => {
  it('plays what the model says after a flush, with the heard position kept on the timeline', async () => {
    const kit = await started();
    kit.transport.receive(events[0]!); // session.started
    kit.transport.receive(events[1]!); // the user's question
    silence(kit, 96); // 9.6 s of track
    kit.transport.receive(events[2]!); // " The forecast for tomorrow is" [8000, 9600)
    const first = [...kit.audio.enqueued.keys()][0]!;
    kit.audio.play(first, 24 * 8800); // 800 ms of the reply heard
    kit.transport.receive(events[3]!); // " wait, actually" over it: flushed
    await settle();
    expect(kit.audio.flushCount).toBe(1);
    expect(messages(kit.session.getSnapshot().items)[1]).toMatchObject({
      interrupted: true,
      audioEndMs: 800,
    });

    // The model answers again: 2 s more track, " Okay, go ahead." over [10900, 11600).
    silence(kit, 20);
    kit.transport.receive(events[4]!);
    kit.transport.receive(events[5]!);
    expect(kit.audio.droppedChunks).toBe(0);
    const later = [...kit.audio.enqueued.keys()].filter((id) => id !== first);
    expect(later).toHaveLength(1);
    expect(kit.audio.enqueued.get(later[0]!)).toBe(24 * 2000);
    // Both tracks are queued as continuous: the player may skip their silence to shed lag.
    expect([...kit.audio.continuous]).toEqual([first, later[0]]);

    // The new track starts where the received track stood at the flush (9600 ms): 1500 ms of it
    // played is 11100 ms on the timeline, 200 ms into the answer.
    kit.audio.play(later[0]!, 24 * 1500);
    const answer = messages(kit.session.getSnapshot().items).at(-1)!;
    expect(answer.text).toBe(' Okay, go ahead.');
    expect(kit.session.playhead(answer.id)).toMatchObject({
      heardMs: 200,
      receivedMs: 700,
      playing: true,
    });

    // A second barge-in over the answer is measured on the new track too.
    kit.transport.receive({
      type: 'session.input_transcript.delta',
      event_id: 'event_b6',
      delta: ' no, stop',
      start_ms: 11300,
      end_ms: 11500,
    });
    await settle();
    expect(kit.audio.flushCount).toBe(2);
    expect(messages(kit.session.getSnapshot().items).find((m) => m.id === answer.id)).toMatchObject(
      { interrupted: true, audioEndMs: 200 },
    );
    silence(kit, 5);
    expect(kit.audio.droppedChunks).toBe(0);
    expect(kit.audio.enqueued.size).toBe(3);
  });
});

/** A fake transport whose microphone is a media track (WebRTC), recording its mutes. */
class FakeMediaTransport extends FakeTransport {
  readonly mutes: boolean[] = [];
  readonly media: TransportMedia;
  constructor() {
    super();
    const mutes = this.mutes;
    this.media = {
      mode: 'media',
      setInputMuted: (muted) => mutes.push(muted),
      onLevels: () => () => {},
    };
  }
}

/** A transcript fragment (`session.input_transcript.delta` or `…output…`) on the timeline. */
const fragment = (
  side: 'input' | 'output',
  delta: string,
  startMs: number,
  endMs: number,
): LiveServerEvent => ({
  type: `session.${side}_transcript.delta`,
  delta,
  start_ms: startMs,
  end_ms: endMs,
});

/**
 * A Live session over a media transport, started (`session.started`) after `before` ran on it
 * (a command given before the call is up).
 */
async function startedOverMedia(before: (session: VoiceSession) => void) {
  const transport = new FakeMediaTransport();
  const kit = createTestSession({ credentials, liveSession: { model: 'gpt-live-1.1' }, transport });
  before(kit.session);
  void kit.session.connect();
  await vi.waitFor(() => {
    if (transport.connections.length < 1) throw new Error('not open yet');
  });
  transport.current.state = 'open';
  transport.current.handlers.onOpen({ transport: 'webrtc', media: true });
  transport.receive(events[0]!);
  await settle();
  return { kit, transport };
}

describe('Live mute over a media transport', () => {
  it('muted before start, Unmute enables the microphone track again (and Mute disables it)', async () => {
    const { kit, transport } = await startedOverMedia((session) => session.mute(true));
    expect(kit.session.getSnapshot()).toMatchObject({ status: 'connected', muted: true });
    // The track was never enabled while muted (not even before it opened).
    expect(transport.mutes.length).toBeGreaterThan(0);
    expect(transport.mutes.every((muted) => muted)).toBe(true);
    kit.session.mute(false);
    expect(kit.session.getSnapshot().muted).toBe(false);
    expect(transport.mutes.at(-1)).toBe(false);
    kit.session.mute(true);
    expect(transport.mutes.at(-1)).toBe(true);
    // Live's clock runs on input audio: the audio port is never muted (silence is sent instead).
    expect(kit.audio.inputMuted).toBe(false);
  });
});

describe('Live typed text over a media transport', () => {
  it("goes to the call's server as parley.text (the channel may not carry it), shown at once; a refusal is an error, not an end", async () => {
    // Typed before the call is up: held, then sent the same way once the session runs.
    const { kit, transport } = await startedOverMedia((session) =>
      session.sendText('Before the call'),
    );
    kit.session.sendText('What are your fees?');
    const sent = transport.current.sent.filter((event) => event.type !== 'session.start');
    expect(sent).toEqual([
      { type: 'parley.text', text: 'Before the call' },
      { type: 'parley.text', text: 'What are your fees?' },
    ]);
    expect(messages(kit.session.getSnapshot().items).map((item) => [item.role, item.text])).toEqual(
      [
        ['user', 'Before the call'],
        ['user', 'What are your fees?'],
      ],
    );
    // The answer to typed text is an item of its own after it, even when its words follow the
    // reply before on the timeline (no output audio reaches the machine to close that reply).
    transport.receive(fragment('output', ' Hello there.', 1000, 1400));
    kit.session.sendText('And the deposit?');
    transport.receive(fragment('output', ' One month.', 1500, 1800));
    expect(messages(kit.session.getSnapshot().items).map((item) => [item.role, item.text])).toEqual(
      [
        ['user', 'Before the call'],
        ['user', 'What are your fees?'],
        ['assistant', ' Hello there.'],
        ['user', 'And the deposit?'],
        ['assistant', ' One month.'],
      ],
    );
    // What the WebRTC transport reports when the server refuses the text.
    transport.receive({
      type: 'error',
      event_id: 'event_parley_text',
      error: {
        type: 'invalid_request_error',
        code: 'rate_limited',
        message: 'Typed text not sent: too many typed messages on this call; retry shortly',
      },
    });
    await settle();
    expect(kit.session.getSnapshot()).toMatchObject({
      status: 'connected',
      error: { code: 'rate_limited', message: expect.stringContaining('Typed text not sent') },
    });
  });
});
