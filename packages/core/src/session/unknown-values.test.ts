import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createTestSession, server } from '../test-utils/session-kit.js';

// Regression tests of issue 14 §8: events the official `openai` types allow (instances generated
// by scripts/official-instances.mjs) used to fail core's parser, and when the event was
// `session.updated` or `response.done` the session stalled. Each test feeds the generated
// instance itself to a whole session.

interface Instance {
  name: string;
  variant: string;
  event: { type: string; [key: string]: unknown };
}
const instances = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../test/official-instances.json', import.meta.url)),
    'utf8',
  ),
) as { server: Instance[] };

function officialInstance(name: string, matches: (event: Instance['event']) => boolean) {
  const found = instances.server.find(
    (instance) => instance.name === name && matches(instance.event),
  );
  if (!found) throw new Error(`no generated ${name} instance matches`);
  return structuredClone(found.event);
}

describe('values the official types allow never stall the session', () => {
  it('sends response.create after a session.updated with tool_choice {type:"mcp", name:null}', async () => {
    const kit = createTestSession({ session: { instructions: 'Be brief.' } });
    const connected = kit.session.connect();
    await new Promise((resolve) => setTimeout(resolve, 0));
    kit.transport.receive(server.sessionCreated());
    expect(kit.transport.sentOf('session.update')).toHaveLength(1);
    const updated = officialInstance('SessionUpdatedEvent', (event) => {
      const choice = (event.session as { tool_choice?: { type?: string; name?: unknown } })
        .tool_choice;
      return choice?.type === 'mcp' && choice.name === null;
    });
    kit.transport.receive(updated);
    await connected;
    expect(kit.session.getSnapshot().error).toBeNull();
    kit.session.sendText('What are your opening hours?');
    expect(kit.transport.sentOf('response.create')).toHaveLength(1);
  });

  it('ends the turn on a response.done without response.id', async () => {
    const kit = createTestSession();
    await kit.connect();
    kit.session.sendText('Hello?');
    kit.transport.receive(server.responseCreated('resp_1'));
    expect(kit.session.getSnapshot().turn).toBe('thinking');
    const done = officialInstance(
      'ResponseDoneEvent',
      (event) => (event.response as { id?: unknown }).id === undefined,
    );
    kit.transport.receive(done);
    expect(kit.session.getSnapshot().error).toBeNull();
    expect(kit.session.getSnapshot().turn).toBe('listening');
    // The next turn is not blocked behind the response that ended without an id.
    kit.session.sendText('Anyone there?');
    expect(kit.transport.sentOf('response.create')).toHaveLength(2);
  });

  it('runs a function call whose snapshot came without call_id, with the id given later', async () => {
    const kit = createTestSession();
    await kit.connect();
    kit.session.sendText('Look it up');
    const t = kit.transport;
    t.receive(server.responseCreated('resp_1'));
    const added = officialInstance(
      'ResponseOutputItemAddedEvent',
      (event) =>
        (event.item as { type?: string; call_id?: unknown }).type === 'function_call' &&
        (event.item as { call_id?: unknown }).call_id === undefined,
    );
    t.receive({
      ...added,
      response_id: 'resp_1',
      item: { ...(added.item as object), id: 'item_f', name: 'lookup' },
    });
    t.receive({
      type: 'response.function_call_arguments.done',
      response_id: 'resp_1',
      item_id: 'item_f',
      output_index: 0,
      call_id: 'call_1',
      arguments: '{}',
    });
    expect(kit.session.getSnapshot().error).toBeNull();
    const call = kit.session.getSnapshot().items.find((item) => item.id === 'item_f');
    // The snapshot was read (its name kept) and the id came with the arguments.
    expect(call).toMatchObject({ type: 'function_call', name: 'lookup', callId: 'call_1' });
  });
});
