import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Dialect } from '../protocol/index.js';

// Real recorded event streams, shared by the team (see shared/fixtures/PROVENANCE.md).
const fixturesDir = fileURLToPath(new URL('../../../../../shared/fixtures/', import.meta.url));

/** One recorded event with the side that sent it. */
export interface RecordedEvent {
  text: string;
  event: { type: string; [key: string]: unknown };
  direction: 'client_to_server' | 'server_to_client';
}

/** A recorded stream: its name, its dialect (from the name) and its events in order. */
export interface RecordedFixture {
  name: string;
  dialect: Dialect;
  events: RecordedEvent[];
  /** Only what the server sent. */
  serverEvents: RecordedEvent[];
}

/** Names of every recorded fixture. */
export function fixtureNames(): string[] {
  return readdirSync(fixturesDir)
    .filter((file) => file.endsWith('.jsonl') && !file.endsWith('.direction.jsonl'))
    .map((file) => file.replace(/\.jsonl$/, ''))
    .sort();
}

/** Loads one fixture with its direction companion. */
export function loadFixture(name: string): RecordedFixture {
  const lines = readFileSync(`${fixturesDir}${name}.jsonl`, 'utf8').trim().split('\n');
  const directions = readFileSync(`${fixturesDir}${name}.direction.jsonl`, 'utf8')
    .trim()
    .split('\n');
  const events = lines.map((text, index) => ({
    text,
    event: JSON.parse(text) as RecordedEvent['event'],
    direction: (JSON.parse(directions[index] ?? '{}') as { direction: RecordedEvent['direction'] })
      .direction,
  }));
  return {
    name,
    dialect: name.startsWith('beta') ? 'beta' : 'ga',
    events,
    serverEvents: events.filter((line) => line.direction === 'server_to_client'),
  };
}
