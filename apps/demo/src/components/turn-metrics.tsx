import { Suspense, lazy } from 'react';
import type { ReactNode } from 'react';
import { LATENCY_DEFINITION } from '@parley/core';
import { useVoiceSelector } from '@parley/react';
import { formatCost, formatDuration } from '../lib/format.js';

// GPT-Live's billed seconds: its own chunk, fetched only when a session bills by the second.
const LiveUsage = lazy(() => import('./live-usage.js'));

/**
 * Latency (core's one definition: end of the visitor's turn → first audio of the reply arriving,
 * as the admin shows it too), when it was heard, and the cost of each turn, with the totals.
 */
export function TurnMetrics(): ReactNode {
  const metrics = useVoiceSelector((snapshot) => snapshot.metrics);
  const usage = useVoiceSelector((snapshot) => snapshot.usage);
  const firstShown = Math.max(0, metrics.turnCount - metrics.turns.length);
  return (
    <section className="panel metrics-panel" aria-labelledby="metrics-title">
      <h2 id="metrics-title" className="panel__title">
        Latency and cost
      </h2>
      <dl className="totals">
        <div>
          <dt>Average latency</dt>
          <dd data-testid="average-latency">{formatDuration(metrics.meanTimeToFirstAudioMs)}</dd>
        </div>
        <div>
          <dt>Cost so far</dt>
          <dd data-testid="total-cost">{formatCost(usage.costUsd)}</dd>
        </div>
        {usage.billing === 'seconds' ? (
          <Suspense fallback={null}>
            <LiveUsage />
          </Suspense>
        ) : (
          <div>
            <dt>Tokens</dt>
            <dd>{(usage.total.inputTokens + usage.total.outputTokens).toLocaleString('en-US')}</dd>
          </div>
        )}
      </dl>
      <p className="metrics-panel__definition" data-testid="latency-definition">
        {LATENCY_DEFINITION}
      </p>
      {metrics.turns.length === 0 ? (
        <p className="metrics-panel__empty">Each answer's latency and cost will be listed here.</p>
      ) : (
        <div className="table-scroll">
          <table className="turns">
            <caption className="visually-hidden">Per turn</caption>
            <thead>
              <tr>
                <th scope="col">Turn</th>
                <th scope="col">Latency</th>
                <th
                  scope="col"
                  className="turns__network"
                  title="End of your turn to the first audio played (after the player's jitter buffer)"
                >
                  Heard
                </th>
                <th scope="col">Tools</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {metrics.turns.map((turn, index) => (
                <tr key={turn.responseId}>
                  <th scope="row">{firstShown + index + 1}</th>
                  <td data-testid="turn-latency">{formatDuration(turn.timeToFirstAudioMs)}</td>
                  <td className="turns__network">{formatDuration(turn.timeToFirstPlayMs)}</td>
                  <td className="turns__tools">
                    {turn.tools.length === 0
                      ? '—'
                      : turn.tools
                          .map((tool) => `${tool.name} ${formatDuration(tool.durationMs)}`)
                          .join(', ')}
                  </td>
                  <td>{formatCost(turn.costUsd)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
