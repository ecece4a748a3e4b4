import { afterAll, describe, expect, it } from 'vitest';
import { sharedStateBackends } from '../test-utils/shared-states.js';
import { SessionSlots } from './session-slots.js';

const backends = sharedStateBackends();
afterAll(async () => {
  for (const backend of backends) await backend.cleanup();
});

describe.each(backends)('session slots on $name', (backend) => {
  it('keeps a slot taken over by a resume while the superseded holder gives its own back', async () => {
    const [state] = await backend.open(Date.now);
    const slots = new SessionSlots(state, 1);
    const stale = await slots.acquire('client', 'conversation-1');
    // The resume takes over the conversation's slot: no second one needed at the cap.
    const resumed = await slots.acquire('client', 'conversation-1');
    expect(stale).not.toBeNull();
    expect(resumed).not.toBeNull();
    expect(await state.slotsOf('client')).toBe(1);

    // The stale session ends (twice, as a close after a supersede may): the resumed one still counts.
    stale!();
    stale!();
    expect(await state.slotsOf('client')).toBe(1);
    expect(await slots.hasRoom('client')).toBe(false);
    expect(await slots.acquire('client', 'conversation-2')).toBeNull();

    resumed!();
    await expect.poll(() => state.slotsOf('client')).toBe(0);
    const next = await slots.acquire('client', 'conversation-2');
    expect(next).not.toBeNull();
    next!();
    slots.close();
  });

  it('keeps the slot while the superseded holder is still live after the resumed one gave up', async () => {
    const [state] = await backend.open(Date.now);
    const slots = new SessionSlots(state, 1);
    const stale = await slots.acquire('client', 'conversation-1');
    const resumed = await slots.acquire('client', 'conversation-1');
    // The resume fails before it ended the stale session (its agent was unpublished).
    resumed!();
    expect(await state.slotsOf('client')).toBe(1);
    expect(await slots.acquire('client', 'conversation-2')).toBeNull();
    stale!();
    await expect.poll(() => state.slotsOf('client')).toBe(0);
    slots.close();
  });

  it('keeps the slot when the superseded holder on another instance ends after the resume took over', async () => {
    const [first, second] = await backend.open(Date.now);
    const here = new SessionSlots(first, 1);
    const there = new SessionSlots(second, 1);
    const stale = await here.acquire('client', 'conversation-1');
    const resumed = await there.acquire('client', 'conversation-1');
    expect(stale).not.toBeNull();
    expect(resumed).not.toBeNull();
    stale!();
    expect(await second.slotsOf('client')).toBe(1);
    expect(await there.acquire('client', 'conversation-2')).toBeNull();
    resumed!();
    await expect.poll(() => first.slotsOf('client')).toBe(0);
    here.close();
    there.close();
  });
});
