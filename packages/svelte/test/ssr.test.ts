// @vitest-environment node
// SvelteKit renders components on the server first: the binding must render the initial state
// there without connecting, and leave nothing running.
import { expect, it } from 'vitest';
import { render } from 'svelte/server';
import type { Credentials } from '@parley/core';
import { FakeTransport } from '@parley/core/test-utils';
import Conversation from './components/Conversation.svelte';

it('renders the initial state on the server without connecting', () => {
  const transport = new FakeTransport({ autoOpen: true });
  let credentialRequests = 0;
  const { body } = render(Conversation, {
    props: {
      options: {
        credentials: (): Promise<Credentials> => {
          credentialRequests += 1;
          return Promise.resolve({ url: 'ws://127.0.0.1:1/' });
        },
        transport,
      },
    },
  });
  expect(body).toContain('<p data-testid="status">idle</p>');
  expect(body).toContain('Start conversation');
  expect(credentialRequests).toBe(0);
  expect(transport.connections).toHaveLength(0);
});
