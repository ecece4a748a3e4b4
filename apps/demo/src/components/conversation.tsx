import type { ReactNode } from 'react';
import { Composer } from './composer.js';
import { DevicePickers } from './device-pickers.js';
import { LevelVisualizer } from './level-visualizer.js';
import { MuteButton } from './mute-button.js';
import { PushToTalkButton } from './push-to-talk-button.js';
import { PushToTalkHint } from './push-to-talk-hint.js';
import { RecordingNotice } from './recording-notice.js';
import type { PublicAgent } from '../lib/agents.js';
import { SessionAlerts } from './session-alerts.js';
import { SoundUnlock } from './sound-unlock.js';
import { StartButton } from './start-button.js';
import { StatusAnnouncer, StatusPill, TransportNote } from './session-status.js';
import { Transcript } from './transcript.js';
import { TurnMetrics } from './turn-metrics.js';

/** Everything of one conversation: controls and levels, the transcript, latency and cost. */
export function Conversation({
  agentName,
  turnDetection,
  recordingNotice,
}: {
  agentName: string;
  turnDetection?: PublicAgent['turnDetection'];
  /** Shown while the agent records conversations (its own text). */
  recordingNotice?: string | null;
}): ReactNode {
  return (
    <div className="conversation">
      <StatusAnnouncer />
      <section className="panel stage" aria-labelledby="stage-title">
        <div className="stage__head">
          <h2 id="stage-title" className="panel__title">
            {agentName}
          </h2>
          <StatusPill />
        </div>
        <TransportNote />
        <RecordingNotice notice={recordingNotice ?? null} />
        <SessionAlerts />
        <SoundUnlock />
        <LevelVisualizer />
        <div className="stage__start">
          <StartButton />
        </div>
        <div className="stage__controls">
          <MuteButton />
          <PushToTalkButton />
        </div>
        <PushToTalkHint turnDetection={turnDetection} />
        <details className="settings">
          <summary>Audio settings</summary>
          <DevicePickers />
        </details>
      </section>
      <div className="conversation__main">
        <Transcript />
        <Composer />
        <TurnMetrics />
      </div>
    </div>
  );
}
