import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clientEventSchemas } from './client-events.js';
import { betaToGaServerEventType } from './beta-tables.js';
import { ownValue } from './json.js';
import { parseClientEvent } from './parse-client.js';
import { isUnknownEvent, parseServerEvent } from './parse.js';
import { serverEventSchemas } from './server-events.js';

// Every instance generated from the official `openai` package's types (minimal, all-nullable and
// maximal variants of every server and client event, each union member and enum value covered;
// see scripts/official-instances.mjs) must parse: core may never be stricter than the API's own
// types. Checked for the browser's reader, the full zod schemas and the client-event parser.

interface Instance {
  name: string;
  variant: string;
  event: { type: string; [key: string]: unknown };
}
const generated = JSON.parse(
  readFileSync(
    fileURLToPath(new URL('../../test/official-instances.json', import.meta.url)),
    'utf8',
  ),
) as { server: Instance[]; client: Instance[] };

const label = (instance: Instance) => `${instance.name} ${instance.variant}`;

describe('instances generated from the official types', () => {
  it('cover every server and client event type core knows', () => {
    const serverTypes = new Set(
      generated.server.map(
        ({ event }) => ownValue(betaToGaServerEventType, event.type) ?? event.type,
      ),
    );
    const clientTypes = new Set(generated.client.map(({ event }) => event.type));
    expect([...serverTypes].sort()).toEqual(Object.keys(serverEventSchemas).sort());
    expect([...clientTypes].sort()).toEqual(Object.keys(clientEventSchemas).sort());
    expect(generated.server.length + generated.client.length).toBeGreaterThan(400);
  });

  it('parse as known server events, with and without validation', () => {
    const failures: string[] = [];
    for (const instance of generated.server) {
      for (const validate of [true, false]) {
        const result = parseServerEvent(JSON.stringify(instance.event), { validate });
        if (!result.success) failures.push(`${label(instance)}: ${result.error.message}`);
        else if (isUnknownEvent(result.event)) failures.push(`${label(instance)}: unknown`);
      }
    }
    expect(failures).toEqual([]);
  });

  it('match the full zod schemas of @parley/core/schemas', () => {
    const failures: string[] = [];
    for (const instance of generated.server) {
      const type = ownValue(betaToGaServerEventType, instance.event.type) ?? instance.event.type;
      const schema = ownValue<{ safeParse(value: unknown): { success: boolean } }>(
        serverEventSchemas,
        type,
      );
      // The beta name conversation.item.created is still in the official GA union; core
      // normalizes it to conversation.item.added, so the GA schema checks it renamed.
      const event = { ...instance.event, type };
      if (!schema?.safeParse(event).success) failures.push(label(instance));
    }
    expect(failures).toEqual([]);
  });

  it('parse as known client events (what a relay or emulator accepts)', () => {
    const failures: string[] = [];
    for (const instance of generated.client) {
      const result = parseClientEvent(JSON.stringify(instance.event));
      if (!result.success) failures.push(`${label(instance)}: ${result.error.message}`);
      else if (isUnknownEvent(result.event)) failures.push(`${label(instance)}: unknown`);
    }
    expect(failures).toEqual([]);
  });
});
