import type { ReactNode } from 'react';
import { useVoiceSelector } from '@parley/react';
import { formatCost, formatDuration } from '../lib/format.js';

/** Latency (end of speech → first audio heard) and cost of each turn, with the session totals. */
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
          <dd>{formatDuration(metrics.meanTimeToFirstPlayMs)}</dd>
        </div>
        <div>
          <dt>Cost so far</dt>
          <dd data-testid="total-cost">{formatCost(usage.costUsd)}</dd>
        </div>
        <div>
          <dt>Tokens</dt>
          <dd>{(usage.total.inputTokens + usage.total.outputTokens).toLocaleString('en-US')}</dd>
        </div>
      </dl>
      {metrics.turns.length === 0 ? (
        <p className="metrics-panel__empty">Each answer's latency and cost will be listed here.</p>
      ) : (
        <div className="table-scroll">
          <table className="turns">
            <caption className="visually-hidden">Per turn</caption>
            <thead>
              <tr>
                <th scope="col">Turn</th>
                <th scope="col" title="End of your speech to the first audio played">
                  Latency
                </th>
                <th
                  scope="col"
                  className="turns__network"
                  title="End of your speech to the first audio received"
                >
                  Network
                </th>
                <th scope="col">Tools</th>
                <th scope="col">Cost</th>
              </tr>
            </thead>
            <tbody>
              {metrics.turns.map((turn, index) => (
                <tr key={turn.responseId}>
                  <th scope="row">{firstShown + index + 1}</th>
                  <td data-testid="turn-latency">{formatDuration(turn.timeToFirstPlayMs)}</td>
                  <td className="turns__network">{formatDuration(turn.timeToFirstAudioMs)}</td>
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
