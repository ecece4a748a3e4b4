import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadBetaDialect } from './beta-loader.js';
import { isUnknownEvent, parseServerEvent, serializeClientEvent } from './parse.js';
import { parseClientEvent } from './parse-client.js';
import type { ClientEvent } from './client-events.js';

// Real recorded event streams (see /work/shared/fixtures/PROVENANCE.md). Each `X.jsonl` has an
// `X.direction.jsonl` companion saying which side sent each line.
const fixturesDir = fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));

interface FixtureLine {
  event: Record<string, unknown>;
  text: string;
  direction: 'client_to_server' | 'server_to_client';
}

function loadFixture(name: string): FixtureLine[] {
  const lines = readFileSync(`${fixturesDir}${name}.jsonl`, 'utf8').trim().split('\n');
  const directions = readFileSync(`${fixturesDir}${name}.direction.jsonl`, 'utf8')
    .trim()
    .split('\n');
  expect(directions).toHaveLength(lines.length);
  return lines.map((text, index) => ({
    text,
    event: JSON.parse(text) as Record<string, unknown>,
    direction: (JSON.parse(directions[index]!) as { direction: FixtureLine['direction'] })
      .direction,
  }));
}

const fixtureNames = readdirSync(fixturesDir)
  .filter((file) => file.endsWith('.jsonl') && !file.endsWith('.direction.jsonl'))
  .map((file) => file.replace(/\.jsonl$/, ''));

// The beta frames here need the beta dialect, which loads on demand (beta-loader.test.ts).
beforeAll(() => loadBetaDialect());

describe('recorded fixtures', () => {
  it('finds the fixture files', () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(5);
  });

  describe.each(fixtureNames)('%s', (name) => {
    const dialect = name.startsWith('beta') ? 'beta' : 'ga';
    const lines = loadFixture(name);

    it.each([true, false])(
      'parses every event with zero unknown types (validate: %s)',
      (validate) => {
        const failures: string[] = [];
        const unknown: string[] = [];
        for (const [index, line] of lines.entries()) {
          const parse = line.direction === 'client_to_server' ? parseClientEvent : parseServerEvent;
          const result = parse(line.text, { dialect, validate });
          if (!result.success) failures.push(`line ${index + 1}: ${result.error.message}`);
          else if (isUnknownEvent(result.event))
            unknown.push(`line ${index + 1}: ${result.event.type}`);
        }
        expect(failures).toEqual([]);
        expect(unknown).toEqual([]);
      },
    );

    it('normalizes every event to GA names', () => {
      const betaNames = /^response\.(audio|text|audio_transcript)\.|^conversation\.item\.created$/;
      for (const line of lines) {
        const parse = line.direction === 'client_to_server' ? parseClientEvent : parseServerEvent;
        const result = parse(line.event, { dialect });
        if (!result.success) throw result.error;
        expect(result.event.type).not.toMatch(betaNames);
      }
    });

    it('round-trips client events through serialize and parse in both dialects', () => {
      for (const line of lines.filter((l) => l.direction === 'client_to_server')) {
        const parsed = parseClientEvent(line.text, { dialect });
        if (!parsed.success || isUnknownEvent(parsed.event))
          throw new Error('unparsed client event');
        const ga: ClientEvent = parsed.event;
        for (const target of ['ga', 'beta'] as const) {
          const again = parseClientEvent(serializeClientEvent(ga, { dialect: target }), {
            dialect: target,
          });
          expect(again.success && again.event).toEqual(ga);
        }
      }
    });
  });
});
