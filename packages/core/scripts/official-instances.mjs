#!/usr/bin/env node
// Generates test instances of every Realtime server and client event from the official `openai`
// package's TypeScript types, so core's parser is checked against the API's own idea of each
// shape rather than against our reading of the docs. Two steps, both real tools:
//   1. ts-json-schema-generator turns `RealtimeServerEvent` / `RealtimeClientEvent` of
//      resources/realtime/realtime.d.ts into JSON Schema;
//   2. the walker below writes, per event, minimal instances (required fields only), all-nullable
//      ones (every field the types allow to be null is null) and maximal ones (every optional
//      field present), each once per branch so that every union member and enum value of the
//      event appears in every variant (duplicates removed).
// The output is committed (test/official-instances.json) because the generator needs the
// package's .d.ts and ~40 s; re-run it when the package is upgraded:
//   node scripts/official-instances.mjs [path/to/openai/package]   (default /work/ref/package)
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGenerator } from 'ts-json-schema-generator';

const packageDir = process.argv[2] ?? '/work/ref/package';
const output = fileURLToPath(new URL('../test/official-instances.json', import.meta.url));

/** A plain string that is also valid base64, so audio fields decode. */
const sampleString = 'AAAA';
/** Recursion guard for self-referencing types (none today, but the walker must terminate). */
const maxDepth = 12;

function schemaFor(type) {
  const generator = createGenerator({
    path: `${packageDir}/resources/realtime/realtime.d.ts`,
    type,
    skipTypeCheck: true,
    expose: 'all',
    topRef: true,
    jsDoc: 'none',
  });
  return generator.createSchema(type);
}

/**
 * Builds instances of one JSON Schema node.
 * @param {'minimal' | 'nullable' | 'maximal'} mode
 * @param {number} branch which member of each union (and value of each enum) to take, modulo
 *   its size, so that successive branches together cover every member
 */
function instance(node, definitions, mode, branch, depth = 0) {
  if (node.$ref) {
    return instance(
      definitions[decodeURIComponent(node.$ref.split('/').pop())],
      definitions,
      mode,
      branch,
      depth,
    );
  }
  if (depth > maxDepth) return null;
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : [];
  if (mode === 'nullable' && (types.includes('null') || isNullableUnion(node))) return null;
  if (node.const !== undefined) return node.const;
  if (node.enum) return node.enum[branch % node.enum.length];
  if (node.anyOf || node.oneOf) {
    const members = (node.anyOf ?? node.oneOf).filter((member) => member.type !== 'null');
    if (members.length === 0) return null;
    return instance(members[branch % members.length], definitions, mode, branch, depth + 1);
  }
  const type = types.find((name) => name !== 'null') ?? (node.properties ? 'object' : undefined);
  switch (type) {
    case 'string':
      return sampleString;
    case 'number':
    case 'integer':
      return 1;
    case 'boolean':
      return true;
    case 'array': {
      if (mode === 'minimal' && !(node.minItems > 0)) return [];
      const items = Array.isArray(node.items) ? node.items : [node.items ?? {}];
      return items.map((item) => instance(item, definitions, mode, branch, depth + 1));
    }
    case 'object': {
      const result = {};
      const required = new Set(node.required ?? []);
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        if (mode === 'minimal' && !required.has(key)) continue;
        result[key] = instance(child, definitions, mode, branch, depth + 1);
      }
      if (mode !== 'minimal' && isSchema(node.additionalProperties) && !node.properties) {
        result.key = instance(node.additionalProperties, definitions, mode, branch, depth + 1);
      }
      return result;
    }
    default:
      // `unknown` / `object` without properties: any JSON value; an object exercises the most.
      return mode === 'minimal' ? {} : { key: sampleString };
  }
}

const isSchema = (value) => typeof value === 'object' && value !== null;
const isNullableUnion = (node) =>
  (node.anyOf ?? node.oneOf ?? []).some((member) => member.type === 'null');

/** How many branches it takes to visit every union member and enum value under `node`. */
function branchCount(node, definitions, seen = new Set()) {
  if (node.$ref) {
    const name = decodeURIComponent(node.$ref.split('/').pop());
    if (seen.has(name)) return 1;
    return branchCount(definitions[name], definitions, new Set([...seen, name]));
  }
  let count = node.enum ? node.enum.length : 1;
  const members = node.anyOf ?? node.oneOf;
  if (members) count = Math.max(count, members.filter((member) => member.type !== 'null').length);
  const children = [
    ...(members ?? []),
    ...Object.values(node.properties ?? {}),
    ...(Array.isArray(node.items) ? node.items : node.items ? [node.items] : []),
    ...(isSchema(node.additionalProperties) ? [node.additionalProperties] : []),
  ];
  for (const child of children) count = Math.max(count, branchCount(child, definitions, seen));
  return count;
}

function instancesOf(unionType) {
  const schema = schemaFor(unionType);
  const definitions = schema.definitions;
  const events = [];
  for (const member of definitions[unionType].anyOf) {
    const name = decodeURIComponent(member.$ref.split('/').pop());
    const node = definitions[name];
    const branches = branchCount(node, definitions);
    const variants = ['minimal', 'nullable', 'maximal'].flatMap((mode) =>
      Array.from({ length: branches }, (_, branch) => [mode, branch]),
    );
    const seen = new Set();
    for (const [mode, branch] of variants) {
      const event = instance(node, definitions, mode, branch);
      const key = JSON.stringify(event);
      if (seen.has(key)) continue;
      seen.add(key);
      events.push({ name, variant: `${mode}-${branch}`, event });
    }
  }
  return events;
}

const started = Date.now();
const result = {
  source: 'openai npm package, resources/realtime/realtime.d.ts',
  generator: 'scripts/official-instances.mjs (ts-json-schema-generator + walker)',
  server: instancesOf('RealtimeServerEvent'),
  client: instancesOf('RealtimeClientEvent'),
};
writeFileSync(output, `${JSON.stringify(result, null, 1)}\n`);
console.log(
  `wrote ${result.server.length} server and ${result.client.length} client instances to ${output} in ${((Date.now() - started) / 1000).toFixed(0)} s`,
);
