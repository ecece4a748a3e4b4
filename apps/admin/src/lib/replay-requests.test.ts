import { afterEach, describe, expect, it, vi } from 'vitest';
import { conversationRequests, dropPrefetched, prefetchConversation } from './replay-requests.js';

describe('the conversation page requests', () => {
  afterEach(() => {
    dropPrefetched();
    vi.unstubAllGlobals();
  });

  it('hands the page the requests prefetched for its conversation, once', () => {
    const fetched: string[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      fetched.push(url);
      return new Promise(() => {});
    });
    prefetchConversation('c1');
    expect(fetched).toHaveLength(3);
    const first = conversationRequests('c1');
    expect(fetched).toHaveLength(3);
    // Navigating back to the page asks again (the answers may have changed).
    const again = conversationRequests('c1');
    expect(again.detail).not.toBe(first.detail);
    expect(fetched).toHaveLength(6);
  });

  it('asks afresh for another conversation, or after the prefetch was dropped', () => {
    const fetched: string[] = [];
    vi.stubGlobal('fetch', (url: string) => {
      fetched.push(url);
      return new Promise(() => {});
    });
    prefetchConversation('c1');
    conversationRequests('c2');
    expect(fetched.slice(3).every((url) => url.includes('/conversations/c2'))).toBe(true);
    prefetchConversation('c1');
    dropPrefetched();
    conversationRequests('c1');
    expect(fetched).toHaveLength(12);
  });
});
