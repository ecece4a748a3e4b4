// A resumed relayed conversation keeps its client's session slot: the relay's resume takes over
// the conversation's slot while its stale session is still live on the same instance, then ends
// that session; the stale session giving its slot back must not give back the resumed one's. With
// one session per client, a different conversation stays refused while the resumed one is live,
// and once everything has ended the client can start again (no slot left over). Runs on the
// in-memory shared state (SQLite), PostgreSQL's, and Redis's when configured.
import { describe, expect, it } from 'vitest';
import type { ParleyServerOptions } from '../src/server.js';
import { testBackends } from '../src/test-utils/databases.js';
import type { TestBackend } from '../src/test-utils/databases.js';
import { freshRedisPrefix, testRedisUrl } from '../src/test-utils/shared-states.js';
import { resumeOverStaleSocket, say, useResumeStack } from './resume-helpers.js';

const apiKey = 'fake-key-resume-slots-test-0001';

/** Each storage backend with its own shared state, plus SQLite with Redis's when set. */
const cases: { name: string; backend: TestBackend; server: Partial<ParleyServerOptions> }[] = [
  ...testBackends().map((backend) => ({ name: backend.name, backend, server: {} })),
  ...(testRedisUrl
    ? [
        {
          name: 'sqlite + redis',
          backend: testBackends()[0]!,
          server: { redis: { url: testRedisUrl, keyPrefix: freshRedisPrefix() } },
        },
      ]
    : []),
];

describe.each(cases)('session slots of a resumed relayed conversation on $name', (setup) => {
  const suite = useResumeStack(setup.backend, {
    apiKey,
    maxSessionsPerClient: 1,
    server: setup.server,
  });
  const { connect, ended } = suite;

  const newSession = () =>
    fetch(`${suite.base}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ agentId: 'concierge' }),
    });

  it('keeps the resumed session counted after the superseded one gives its slot back, and leaks none', async () => {
    // The relay still holds the first socket when the browser resumes: it ends it, and that
    // session gives its slot back after the resumed one has taken the conversation's over.
    const { first, resumed } = await resumeOverStaleSocket(suite.base, 'concierge', connect);

    // At the cap: a different conversation from the same client is refused.
    const early = await newSession();
    expect(early.status).toBe(429);
    expect(((await early.json()) as { error: { code: string } }).error.code).toBe(
      'too_many_sessions',
    );

    // Once the resumed session has ended too, the client can start again, once.
    resumed.socket.close();
    await ended(first.conversationId);
    const next = await suite.grant({ agentId: 'concierge' });
    const fresh = await connect(next);
    await say(fresh, 'Hello again.');
    expect((await newSession()).status).toBe(429);
    fresh.socket.close();
    await ended(next.conversationId);
  });
});
