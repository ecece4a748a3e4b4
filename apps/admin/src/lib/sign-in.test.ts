import { describe, expect, it } from 'vitest';
import { ApiError } from './api.js';
import { destinationName, failureMessage } from './sign-in.js';

describe('sign-in wording', () => {
  it('says a wrong setup token is about the token, not about an email and password', () => {
    const wrongToken = new ApiError(401, 'unauthorized', 'wrong setup token');
    expect(failureMessage('setup', wrongToken, 'x')).toMatch(/setup token/);
    expect(failureMessage('setup', wrongToken, 'x')).not.toMatch(/email and password/);
    expect(failureMessage('sign-in', wrongToken, 'x')).toBe(
      'That email and password do not match an admin account.',
    );
  });

  it('tells someone creating a second first admin to sign in instead', () => {
    const done = new ApiError(409, 'conflict', 'setup is already done');
    expect(failureMessage('setup', done, 'x')).toMatch(/already exists: sign in/);
  });

  it('keeps the server message for other failures', () => {
    expect(
      failureMessage('sign-in', new ApiError(429, 'rate_limited', 'slow down'), 'slow down'),
    ).toBe('slow down');
    expect(failureMessage('setup', new Error('offline'), 'offline')).toBe('offline');
  });

  it('names the destination in the console words, never as a path', () => {
    expect(destinationName('/')).toBeNull();
    expect(destinationName('/agents')).toBeNull();
    expect(destinationName('/conversations')).toBe('Conversations');
    expect(destinationName('/conversations/abc')).toBe('a conversation');
    expect(destinationName('/playground/agt_1?version=2')).toBe('the Playground');
    expect(destinationName('/nowhere')).toBeNull();
  });
});
