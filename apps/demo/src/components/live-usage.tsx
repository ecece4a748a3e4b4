// What a GPT-Live conversation costs so far: billed seconds (Live bills the session by the second,
// not by token) and how full the model's context window is. Loaded on demand by TurnMetrics only
// when the session bills by the second, so a Realtime visitor never downloads it.
import type { ReactNode } from 'react';
import { useVoiceSelector } from '@parley/react';
import { formatSeconds } from '../lib/format.js';

/** The totals a per-second session shows instead of a token count. */
export default function LiveUsage(): ReactNode {
  const seconds = useVoiceSelector((snapshot) => snapshot.usage.seconds ?? 0);
  const ratio = useVoiceSelector((snapshot) => snapshot.usage.contextUsageRatio ?? null);
  return (
    <>
      <div>
        <dt>Billed time</dt>
        <dd data-testid="billed-seconds">{formatSeconds(seconds)}</dd>
      </div>
      <div>
        <dt>Context used</dt>
        <dd>{ratio === null ? '—' : `${(Math.round(ratio * 1000) / 10).toString()}%`}</dd>
      </div>
    </>
  );
}
