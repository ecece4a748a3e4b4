// How the console shows what a conversation cost: tokens for Realtime conversations, billed seconds
// for GPT-Live ones (active and standby, at the rates of core's one price table).
import { defaultPrices, findPrice, isLiveModel } from '@parley/core';
import type { UsageSummary } from '@parley/core';
import type { Conversation } from '@parley/server/schemas';

/** One labelled figure of a usage table. */
export interface UsageRow {
  label: string;
  value: string;
}

/** `42.5 s`, or `3m 07s` past a minute. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${(Math.round(seconds * 10) / 10).toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
}

/** True for a GPT-Live conversation: a Live model, or billed seconds stored. */
export function billedPerSecond(
  conversation: Pick<Conversation, 'model' | 'usageSeconds'>,
): boolean {
  return isLiveModel(conversation.model) || conversation.usageSeconds > 0;
}

function rateRows(model: string | null, activeSeconds: number, standbySeconds: number): UsageRow[] {
  const rate = findPrice(defaultPrices, model)?.perMinute;
  const usd = (value: number) => `$${value.toFixed(2)}/min`;
  return [
    { label: 'Active seconds', value: formatSeconds(activeSeconds) },
    // The relay speaks WebSocket, and standby exists only on WebRTC sessions waiting for speech.
    { label: 'Standby seconds', value: formatSeconds(standbySeconds) },
    {
      label: 'Rate',
      value: rate
        ? `${usd(rate.active)} active, ${usd(rate.standby)} standby`
        : 'no list price known',
    },
  ];
}

/**
 * The usage table of a stored conversation: billed seconds for a GPT-Live one (all active: a
 * relayed session is a WebSocket session, which has no standby), tokens for a Realtime one.
 */
export function conversationUsageRows(
  conversation: Pick<Conversation, 'model' | 'usageSeconds' | 'inputTokens' | 'outputTokens'>,
): UsageRow[] {
  if (billedPerSecond(conversation))
    return rateRows(conversation.model, conversation.usageSeconds, 0);
  return [
    { label: 'Tokens in', value: conversation.inputTokens.toLocaleString('en-US') },
    { label: 'Tokens out', value: conversation.outputTokens.toLocaleString('en-US') },
  ];
}

/** The usage rows of a running session (the playground): seconds or tokens, as the protocol bills. */
export function sessionUsageRows(usage: UsageSummary): UsageRow[] {
  if (usage.billing === 'seconds') return rateRows(usage.model, usage.seconds ?? 0, 0);
  return [
    {
      label: 'Tokens in / out',
      value: `${usage.total.inputTokens} / ${usage.total.outputTokens}`,
    },
  ];
}
