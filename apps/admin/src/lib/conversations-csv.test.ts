import { describe, expect, it } from 'vitest';
import type { Conversation } from '@parley/server/schemas';
import { conversationsCsv, extractedFieldNames } from './conversations-csv.js';

function conversation(
  id: string,
  extracted: Record<string, unknown> | null,
  success: boolean | null,
): Conversation {
  return {
    id,
    agentId: 'agt_1',
    agentVersion: 2,
    mode: 'relay',
    model: 'gpt-realtime',
    status: 'completed',
    endReason: 'client_closed',
    startedAt: '2026-05-01T10:00:00.000Z',
    endedAt: '2026-05-01T10:01:00.000Z',
    durationMs: 60_000,
    inputTokens: 10,
    outputTokens: 5,
    costUsd: 0.0123,
    latencyMsP50: 480,
    itemCount: 4,
    usageSeconds: 0,
    analysis:
      extracted === null && success === null
        ? null
        : {
            conversationId: id,
            status: 'done',
            summary: 'Wants a plumber, "soon"',
            extracted,
            success,
            rationale: null,
            model: 'gpt-5-mini',
            error: null,
            createdAt: '2026-05-01T10:01:01.000Z',
          },
  };
}

describe('conversationsCsv', () => {
  it('adds one column per extracted field across all rows, empty where a row lacks it', () => {
    const rows = [
      conversation('conv_1', { budget: 300, city: 'Lyon' }, true),
      conversation('conv_2', { urgency: 'high', tags: ['a'] }, false),
      conversation('conv_3', null, null),
    ];
    expect(extractedFieldNames(rows)).toEqual(['budget', 'city', 'tags', 'urgency']);
    const lines = conversationsCsv(rows, () => 'Helper')
      .trimEnd()
      .split('\r\n');
    expect(lines[0]).toBe(
      'Conversation,Started at,Agent,Version,Status,Duration (ms),Latency p50 (ms),Cost (USD),Success,Summary,budget,city,tags,urgency',
    );
    expect(lines[1]).toBe(
      'conv_1,2026-05-01T10:00:00.000Z,Helper,2,completed,60000,480,0.012300,yes,"Wants a plumber, ""soon""",300,Lyon,,',
    );
    expect(lines[2]?.endsWith(',no,"Wants a plumber, ""soon""",,,"[""a""]",high')).toBe(true);
    expect(lines[3]?.endsWith(',,,,,,')).toBe(true);
  });
});
