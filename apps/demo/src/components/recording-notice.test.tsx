import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordingNotice } from './recording-notice.js';
import { fetchAgents } from '../lib/agents.js';

afterEach(cleanup);

describe('recording notice', () => {
  it("shows the agent's own notice when it records", () => {
    render(<RecordingNotice notice="Calls are recorded for training." />);
    expect(screen.getByRole('note').textContent).toContain('Calls are recorded for training.');
  });

  it('shows nothing when the agent does not record', () => {
    const { container } = render(<RecordingNotice notice={null} />);
    expect(container.textContent).toBe('');
  });

  it("keeps the notice from the server's agent list, and skips a malformed one", async () => {
    const agent = { id: 'agt_1', slug: 'support', name: 'Support', description: '' };
    const recorded = { ...agent, recordingNotice: 'This call is recorded.' };
    const answer: typeof fetch = () =>
      Promise.resolve(
        new Response(
          JSON.stringify({
            agents: [
              recorded,
              { ...agent, id: 'agt_2', recordingNotice: 7 },
              { ...agent, id: 'agt_3', recordingNotice: null },
            ],
          }),
        ),
      );
    const agents = await fetchAgents('http://127.0.0.1', answer);
    expect(agents.map((a) => [a.id, a.recordingNotice])).toEqual([
      ['agt_1', 'This call is recorded.'],
      ['agt_3', null],
    ]);
  });
});
