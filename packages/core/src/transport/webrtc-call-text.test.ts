// Typed text on a WebRTC call whose channel may not carry it: the transport posts it with the
// endpoint's `text` and reports a refusal or a failure as an `error` event on the attempt.
import { describe, expect, it } from 'vitest';
import { isCallText, sendCallText } from './webrtc-call-text.js';
import { newAttempt } from './webrtc-negotiate.js';
import type { Attempt } from './webrtc-types.js';

const frame = (text: string) => JSON.stringify({ type: 'parley.text', text });
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** An open attempt whose endpoint answers typed text with `answer`, recording what it posted. */
function openAttempt(answer: () => Promise<Response>) {
  const messages: string[] = [];
  const posted: string[] = [];
  const attempt: Attempt = newAttempt({
    onOpen: () => undefined,
    onMessage: (data) => messages.push(data),
    onClose: () => undefined,
    onError: () => undefined,
  });
  attempt.open = true;
  attempt.text = (text) => {
    posted.push(text);
    return answer();
  };
  const errors = () =>
    messages.map(
      (data) => (JSON.parse(data) as { error: { code: string; message: string } }).error,
    );
  return { attempt, posted, errors };
}

describe('typed text on a WebRTC call', () => {
  it('recognizes only its own frame', () => {
    expect(isCallText(frame('hi'))).toBe(true);
    expect(isCallText('{"type":"response.create"}')).toBe(false);
    expect(isCallText('{"text":"x","type":"parley.text"}')).toBe(false);
  });

  it('posts the text with the endpoint and reports nothing when the server took it', async () => {
    const call = openAttempt(() => Promise.resolve(new Response('{}', { status: 202 })));
    expect(sendCallText(call.attempt, frame('What are your fees?'))).toBe(true);
    await flush();
    expect(call.posted).toEqual(['What are your fees?']);
    expect(call.errors()).toEqual([]);
  });

  it("reports the server's refusal with its code and message", async () => {
    const refusal = {
      error: { code: 'rate_limited', message: 'too many typed messages on this call' },
    };
    const call = openAttempt(() =>
      Promise.resolve(new Response(JSON.stringify(refusal), { status: 429 })),
    );
    sendCallText(call.attempt, frame('again'));
    await flush();
    expect(call.errors()).toEqual([
      {
        type: 'invalid_request_error',
        code: 'rate_limited',
        message: 'Typed text not sent: too many typed messages on this call',
      },
    ]);
  });

  it('reports a body without an error envelope by its status, and a network failure', async () => {
    const gateway = openAttempt(() =>
      Promise.resolve(new Response('bad gateway', { status: 502 })),
    );
    sendCallText(gateway.attempt, frame('x'));
    const offline = openAttempt(() => Promise.reject(new TypeError('Failed to fetch')));
    sendCallText(offline.attempt, frame('y'));
    const throwing = openAttempt(() => {
      throw new TypeError('no call');
    });
    sendCallText(throwing.attempt, frame('z'));
    await flush();
    expect(gateway.errors()).toMatchObject([
      { code: 'http_502', message: 'Typed text not sent: HTTP 502' },
    ]);
    expect(offline.errors()).toMatchObject([{ code: 'text_failed' }]);
    expect(offline.errors()[0]!.message).toContain('Failed to fetch');
    expect(throwing.errors()).toMatchObject([{ code: 'text_failed' }]);
  });

  it('says so when the endpoint takes no text, and sends nothing before the call opens or after it ended', async () => {
    const call = openAttempt(() => Promise.resolve(new Response('{}', { status: 202 })));
    call.attempt.text = null;
    expect(sendCallText(call.attempt, frame('x'))).toBe(false);
    expect(call.errors()).toMatchObject([{ code: 'text_unsupported' }]);

    const early = openAttempt(() => Promise.resolve(new Response('{}', { status: 202 })));
    early.attempt.open = false;
    expect(sendCallText(early.attempt, frame('x'))).toBe(false);
    expect(sendCallText(null, frame('x'))).toBe(false);
    expect(early.posted).toEqual([]);

    const late = openAttempt(() => Promise.resolve(new Response('{}', { status: 409 })));
    sendCallText(late.attempt, frame('x'));
    late.attempt.ended = true;
    await flush();
    expect(late.errors()).toEqual([]);
  });
});
