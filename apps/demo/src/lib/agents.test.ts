import { describe, expect, it } from 'vitest';
import { AgentListError, fetchAgents } from './agents.js';

const agent = { id: 'agt_1', slug: 'support', name: 'Support', description: 'Answers questions.' };

function answer(status: number, body: unknown): typeof fetch {
  return () =>
    Promise.resolve(
      new Response(typeof body === 'string' ? body : JSON.stringify(body), { status }),
    );
}

describe('fetchAgents', () => {
  it('returns the published agents and skips malformed entries', async () => {
    const agents = await fetchAgents(
      'http://127.0.0.1',
      answer(200, { agents: [agent, { id: 3 }] }),
    );
    expect(agents).toEqual([agent]);
  });

  it("keeps each agent's kind of turn detection, and skips an unknown kind", async () => {
    const manual = { ...agent, id: 'agt_2', turnDetection: 'manual' };
    const vad = { ...agent, id: 'agt_3', turnDetection: 'server_vad' };
    const agents = await fetchAgents(
      'http://127.0.0.1',
      answer(200, { agents: [manual, vad, { ...agent, id: 'agt_4', turnDetection: 'telepathy' }] }),
    );
    expect(agents).toEqual([manual, vad]);
  });

  it('reports an unreachable server when the request fails or a proxy answers 502', async () => {
    const failing: typeof fetch = () => Promise.reject(new TypeError('Failed to fetch'));
    await expect(fetchAgents('http://127.0.0.1', failing)).rejects.toMatchObject({
      kind: 'unreachable',
    });
    await expect(fetchAgents('http://127.0.0.1', answer(502, 'Bad Gateway'))).rejects.toMatchObject(
      {
        kind: 'unreachable',
      },
    );
  });

  it('reports a server error status and an unreadable body distinctly', async () => {
    await expect(fetchAgents('http://127.0.0.1', answer(500, { error: {} }))).rejects.toMatchObject(
      {
        kind: 'server',
      },
    );
    await expect(fetchAgents('http://127.0.0.1', answer(200, '<html>'))).rejects.toBeInstanceOf(
      AgentListError,
    );
    await expect(fetchAgents('http://127.0.0.1', answer(200, { items: [] }))).rejects.toMatchObject(
      {
        kind: 'invalid',
      },
    );
  });
});
