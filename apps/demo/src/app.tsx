import { useCallback, useEffect, useId, useState } from 'react';
import type { ReactNode } from 'react';
import { isSessionActive } from '@parley/core';
import { VoiceSessionProvider, useVoiceSelector } from '@parley/react';
import { AudioPortContext } from './audio-context.js';
import { Conversation } from './components/conversation.js';
import { createDemoSession, transportFromUrl } from './demo-session.js';
import { EmulatorBanner } from './components/emulator-banner.js';
import { AgentListError, fetchAgents } from './lib/agents.js';
import type { PublicAgent } from './lib/agents.js';
import { fetchUpstreamKind } from './lib/upstream.js';
import type { UpstreamKind } from './lib/upstream.js';

type AgentsState =
  | { phase: 'loading' }
  | { phase: 'ready'; agents: PublicAgent[] }
  | { phase: 'failed'; message: string; unreachable: boolean };

function useAgents(): [AgentsState, () => void] {
  const [state, setState] = useState<AgentsState>({ phase: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const controller = new AbortController();
    setState({ phase: 'loading' });
    fetchAgents(location.origin, fetch, controller.signal)
      .then((agents) => setState({ phase: 'ready', agents }))
      .catch((error: unknown) => {
        if (controller.signal.aborted) return;
        setState({
          phase: 'failed',
          message: error instanceof Error ? error.message : String(error),
          unreachable: error instanceof AgentListError && error.kind === 'unreachable',
        });
      });
    return () => controller.abort();
  }, [attempt]);
  return [state, useCallback(() => setAttempt((n) => n + 1), [])];
}

/** The server's upstream (null until known or when it cannot be told). */
function useUpstream(): UpstreamKind | null {
  const [upstream, setUpstream] = useState<UpstreamKind | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    void fetchUpstreamKind(location.origin, fetch, controller.signal).then((kind) => {
      if (!controller.signal.aborted) setUpstream(kind);
    });
    return () => controller.abort();
  }, []);
  return upstream;
}

/** Reports whether the conversation below is under way, so the agent picker locks meanwhile. */
function LiveReporter({ onChange }: { onChange: (live: boolean) => void }): null {
  const live = useVoiceSelector((snapshot) => isSessionActive(snapshot.status));
  useEffect(() => onChange(live), [live, onChange]);
  return null;
}

/** One agent's conversation. Building the session opens nothing; Start does. */
function AgentConversation({
  agent,
  onLiveChange,
}: {
  agent: PublicAgent;
  onLiveChange: (live: boolean) => void;
}): ReactNode {
  const [parts] = useState(() =>
    createDemoSession({
      baseUrl: location.origin,
      agentId: agent.id,
      ...(agent.api ? { protocol: agent.api } : {}),
      ...(transportFromUrl(location.search)
        ? { transport: transportFromUrl(location.search) }
        : {}),
    }),
  );
  useEffect(() => {
    if (!new URLSearchParams(location.search).has('debug')) return;
    // `?debug`: inspect the session from the console (and from end-to-end tests): `parley.session.getSnapshot()`.
    (window as unknown as { parley?: unknown }).parley = parts;
  }, [parts]);
  return (
    <AudioPortContext.Provider value={parts.audio}>
      <VoiceSessionProvider create={() => parts.session}>
        <LiveReporter onChange={onLiveChange} />
        <Conversation
          agentName={agent.name}
          turnDetection={agent.turnDetection}
          recordingNotice={agent.recordingNotice}
        />
      </VoiceSessionProvider>
    </AudioPortContext.Provider>
  );
}

export function App(): ReactNode {
  const [agents, retry] = useAgents();
  const upstream = useUpstream();
  const [chosen, setChosen] = useState<string | null>(null);
  const [live, setLive] = useState(false);
  const pickerId = useId();
  const list = agents.phase === 'ready' ? agents.agents : [];
  const agent = list.find((candidate) => candidate.id === chosen) ?? list[0] ?? null;

  return (
    <div className="app">
      <header className="app__header">
        <div className="brand">
          <span className="brand__mark" aria-hidden="true" />
          <h1 className="brand__name">Parley</h1>
          <span className="brand__tag">voice agent demo</span>
        </div>
        {list.length > 0 ? (
          <div className="agent-picker">
            <label htmlFor={pickerId}>Agent</label>
            <select
              id={pickerId}
              value={agent?.id ?? ''}
              disabled={live}
              title={live ? 'End the conversation to switch agents' : undefined}
              onChange={(event) => setChosen(event.target.value)}
            >
              {list.map((candidate) => (
                <option key={candidate.id} value={candidate.id}>
                  {candidate.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
      </header>
      <main className="app__main">
        {agents.phase === 'loading' ? (
          <p className="loading" role="status">
            Loading agents…
          </p>
        ) : agents.phase === 'failed' ? (
          <div className="alert alert--error" role="alert" data-state="server-down">
            <strong>
              {agents.unreachable
                ? 'The Parley server cannot be reached'
                : 'The agents could not be loaded'}
            </strong>
            <span>
              {agents.unreachable
                ? 'The Parley server that served this page stopped answering. Start it again (npm start in the Parley folder), then try again.'
                : agents.message}
            </span>
            <button type="button" className="control" onClick={retry}>
              Try again
            </button>
          </div>
        ) : agent === null ? (
          <div className="alert alert--info" role="status">
            <strong>No agent is published yet.</strong>
            <span>Publish one in the admin console, then reload this page.</span>
          </div>
        ) : (
          <>
            {upstream === 'emulator' ? <EmulatorBanner /> : null}
            {agent.description ? <p className="agent-description">{agent.description}</p> : null}
            <AgentConversation key={agent.id} agent={agent} onLiveChange={setLive} />
          </>
        )}
      </main>
      <footer className="app__footer">
        Audio stays between your browser and this site's Parley server; no API key reaches the page.
      </footer>
    </div>
  );
}
