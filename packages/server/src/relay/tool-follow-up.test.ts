import { describe, expect, it } from 'vitest';
import { ToolFollowUp } from './tool-follow-up.js';

describe('ToolFollowUp', () => {
  it('is due once the response is done and every server output is in, in either order', () => {
    const outputsFirst = new ToolFollowUp();
    outputsFirst.serverCall('resp_1', 'call_a');
    outputsFirst.serverCall('resp_1', 'call_b');
    expect(outputsFirst.serverOutput('call_a')).toBe(false);
    expect(outputsFirst.serverOutput('call_b')).toBe(false);
    expect(outputsFirst.waiting).toBe(true);
    expect(outputsFirst.responseDone('resp_1')).toBe(true);
    expect(outputsFirst.waiting).toBe(false);

    const doneFirst = new ToolFollowUp();
    doneFirst.serverCall('resp_1', 'call_a');
    expect(doneFirst.responseDone('resp_1')).toBe(false);
    expect(doneFirst.serverOutput('call_a')).toBe(true);
    // Due exactly once.
    expect(doneFirst.serverOutput('call_a')).toBe(false);
    expect(doneFirst.responseDone('resp_1')).toBe(false);
  });

  it("waits for the browser's own request when a browser tool was called, and absorbs it", () => {
    const followUp = new ToolFollowUp();
    followUp.serverCall('resp_1', 'call_server');
    followUp.clientCall('resp_1', 'call_client');
    expect(followUp.responseDone('resp_1')).toBe(false);
    expect(followUp.clientOutput('call_client')).toBe(false);
    // The browser asks before the server's tool is done: absorbed, not due yet.
    expect(followUp.browserAsked()).toBe(false);
    expect(followUp.serverOutput('call_server')).toBe(true);
    // Nothing pending: a later request from the browser is forwarded as it is.
    expect(followUp.browserAsked()).toBeNull();
  });

  it("forgets a response's calls when a newer response calls tools, and ignores other responses", () => {
    const followUp = new ToolFollowUp();
    followUp.serverCall('resp_1', 'call_a');
    followUp.serverCall('resp_2', 'call_b');
    expect(followUp.responseDone('resp_1')).toBe(false);
    expect(followUp.serverOutput('call_a')).toBe(false);
    expect(followUp.responseDone('resp_2')).toBe(false);
    expect(followUp.serverOutput('call_b')).toBe(true);
  });
});
