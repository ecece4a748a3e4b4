// A Parley server resumes a dropped conversation by replaying it into the new upstream session
// with `parley_resume_` item ids (RESUME_ITEM_PREFIX). On WebRTC the upstream echoes those items
// to the browser on its data channel, where the server cannot hold them back as its relay does:
// the session must keep its transcript as it was, not show the conversation a second time.
import { describe, expect, it } from 'vitest';
import { RESUME_ITEM_PREFIX } from '../protocol/adapters/realtime.js';
import type { Credentials } from '../ports.js';
import { createTestSession, server, settle } from '../test-utils/session-kit.js';

/** The echo of a replayed message, as the upstream sends it (`added`, then `done`). */
function replayedEcho(
  type: 'conversation.item.added' | 'conversation.item.done',
  index: number,
  role: 'user' | 'assistant',
  text: string,
) {
  return {
    type,
    event_id: `evt_echo_${type}_${index}`,
    previous_item_id: index === 1 ? null : `${RESUME_ITEM_PREFIX}${index - 1}`,
    item: {
      id: `${RESUME_ITEM_PREFIX}${index}`,
      type: 'message',
      status: 'completed',
      role,
      content: [{ type: role === 'user' ? 'input_text' : 'output_text', text }],
    },
  };
}

describe('a resumed conversation replayed by the Parley server', () => {
  it("keeps the transcript as it was: the replay's echoes are not shown twice", async () => {
    let calls = 0;
    const kit = createTestSession({
      credentials: (): Promise<Credentials> => {
        calls += 1;
        return Promise.resolve({
          url: `wss://relay.test/api/realtime?n=${calls}`,
          managedSession: true,
          serverRunsTools: true,
        });
      },
    });
    await kit.connect();
    const t = kit.transport;
    kit.session.sendText('Where is the station?');
    t.receive(server.responseCreated('resp_1'));
    t.receive(server.assistantItem('resp_1', 'item_a1'));
    t.receive(server.assistantItemDone('resp_1', 'item_a1', 'Two streets north.'));
    t.receive(server.responseDone('resp_1'));
    const before = kit.session.getSnapshot().items;
    expect(before.map((item) => item.type === 'message' && [item.role, item.text])).toEqual([
      ['user', 'Where is the station?'],
      ['assistant', 'Two streets north.'],
    ]);

    t.drop(1006, 'webrtc connection lost');
    kit.clock.advance(1000);
    await settle();
    expect(calls).toBe(2);
    t.receive(server.sessionCreated({ id: 'sess_2' }));
    t.receive(replayedEcho('conversation.item.added', 1, 'user', 'Where is the station?'));
    t.receive(replayedEcho('conversation.item.done', 1, 'user', 'Where is the station?'));
    t.receive(replayedEcho('conversation.item.added', 2, 'assistant', 'Two streets north.'));
    t.receive(replayedEcho('conversation.item.done', 2, 'assistant', 'Two streets north.'));

    const snapshot = kit.session.getSnapshot();
    expect(snapshot).toMatchObject({ status: 'connected', sessionId: 'sess_2' });
    expect(snapshot.diagnostics.reconnects).toBe(1);
    expect(snapshot.items).toEqual(before);
    // The conversation goes on after the replay as usual.
    t.receive(server.userItem('item_u2', `${RESUME_ITEM_PREFIX}2`));
    expect(kit.session.getSnapshot().items.map((item) => item.id)).toEqual([
      before[0]!.id,
      'item_a1',
      'item_u2',
    ]);
  });
});
