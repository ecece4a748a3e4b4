#!/usr/bin/env node
// Writes the JSON Schema of the official `openai` package's `RealtimeServerEvent` union (its
// TypeScript types, resources/realtime/realtime.d.ts) to test/official-server-events.schema.json,
// so the emulator's events are checked against the API's own types (test/official-types.test.ts).
// Committed because generation takes tens of seconds; re-run when the package is upgraded:
//   node scripts/official-schema.mjs   (needs core's devDependency ts-json-schema-generator)
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const coreRequire = createRequire(require.resolve('@parley/core/package.json'));
const { createGenerator } = await import(coreRequire.resolve('ts-json-schema-generator'));
const openaiDir = dirname(require.resolve('openai'));
const schema = createGenerator({
  path: `${openaiDir}/resources/realtime/realtime.d.ts`,
  type: 'RealtimeServerEvent',
  skipTypeCheck: true,
  expose: 'all',
  topRef: true,
  jsDoc: 'none',
}).createSchema('RealtimeServerEvent');
const version = JSON.parse(readFileSync(`${openaiDir}/package.json`, 'utf8')).version;
writeFileSync(
  fileURLToPath(new URL('../test/official-server-events.schema.json', import.meta.url)),
  `${JSON.stringify({ $comment: `openai ${version} RealtimeServerEvent`, ...schema })}\n`,
);
