type Schema = Record<string, unknown>;

const MAX_DEPTH = 8;

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function resolveRef(ref: string, root: Schema): Schema | undefined {
  if (!ref.startsWith('#')) return undefined;
  let current: unknown = root;
  for (const raw of ref.slice(1).split('/').filter(Boolean)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isSchema(current)) return undefined;
    current = current[key];
  }
  return isSchema(current) ? current : undefined;
}

function sampleString(schema: Schema, name: string): string {
  const format = schema.format;
  let value: string;
  switch (format) {
    case 'date':
      value = '2025-01-15';
      break;
    case 'date-time':
      value = '2025-01-15T10:30:00Z';
      break;
    case 'time':
      value = '10:30:00';
      break;
    case 'email':
      value = 'visitor@example.com';
      break;
    case 'uri':
    case 'url':
      value = 'https://example.com';
      break;
    case 'uuid':
      value = '123e4567-e89b-42d3-a456-426614174000';
      break;
    case 'ipv4':
      value = '192.0.2.1';
      break;
    default:
      value = name ? `example ${name.replace(/[_-]+/g, ' ')}` : 'example';
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 0;
  const max = typeof schema.maxLength === 'number' ? schema.maxLength : Infinity;
  while (value.length < min) value += 'x';
  if (value.length > max) value = value.slice(0, max);
  return value;
}

function sampleNumber(schema: Schema, integer: boolean): number {
  let low = typeof schema.minimum === 'number' ? schema.minimum : -Infinity;
  let high = typeof schema.maximum === 'number' ? schema.maximum : Infinity;
  if (typeof schema.exclusiveMinimum === 'number')
    low = Math.max(low, schema.exclusiveMinimum + (integer ? 1 : 1e-6));
  if (typeof schema.exclusiveMaximum === 'number')
    high = Math.min(high, schema.exclusiveMaximum - (integer ? 1 : 1e-6));
  const step =
    typeof schema.multipleOf === 'number' && schema.multipleOf > 0
      ? schema.multipleOf
      : integer
        ? 1
        : 0;
  let value = Number.isFinite(low) ? low : Number.isFinite(high) ? Math.min(1, high) : 1;
  if (integer) value = Math.ceil(value);
  if (step > 0) value = Math.ceil(value / step) * step;
  if (value > high) value = integer ? Math.floor(high) : high;
  return value;
}

/**
 * Builds a value that satisfies a JSON Schema (the subset tool definitions use: types, enum,
 * const, default, examples, properties/required, items/minItems, string lengths and formats,
 * numeric bounds and multipleOf, anyOf/oneOf/allOf, local `$ref`). Deterministic: the same
 * schema always gives the same value, so tests can assert tool arguments. `pattern` is not
 * honoured (documented).
 */
export function sampleFromJsonSchema(
  schema: unknown,
  name = '',
  root: unknown = schema,
  depth = 0,
): unknown {
  if (!isSchema(schema) || depth > MAX_DEPTH) return null;
  const rootSchema = isSchema(root) ? root : schema;
  if (typeof schema.$ref === 'string') {
    return sampleFromJsonSchema(resolveRef(schema.$ref, rootSchema), name, rootSchema, depth + 1);
  }
  if ('const' in schema) return structuredClone(schema.const);
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return structuredClone(schema.enum[0]);
  if ('default' in schema && schema.default !== undefined) return structuredClone(schema.default);
  if (Array.isArray(schema.examples) && schema.examples.length > 0)
    return structuredClone(schema.examples[0]);
  if (Array.isArray(schema.allOf) && schema.allOf.length > 0) {
    const merged: Schema = {};
    const properties: Schema = {};
    const required: string[] = [];
    for (const part of schema.allOf as unknown[]) {
      const resolved: unknown =
        isSchema(part) && typeof part.$ref === 'string' ? resolveRef(part.$ref, rootSchema) : part;
      if (!isSchema(resolved)) continue;
      Object.assign(merged, resolved);
      if (isSchema(resolved.properties)) Object.assign(properties, resolved.properties);
      if (Array.isArray(resolved.required)) required.push(...(resolved.required as string[]));
    }
    const { allOf: _allOf, ...rest } = schema;
    return sampleFromJsonSchema(
      { ...merged, ...rest, properties, required },
      name,
      rootSchema,
      depth + 1,
    );
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const chosen: unknown =
        (options as unknown[]).find((option) => isSchema(option) && option.type !== 'null') ??
        options[0];
      return sampleFromJsonSchema(chosen, name, rootSchema, depth + 1);
    }
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((t) => t !== 'null') ?? type[0];
  if (type === undefined) {
    if (isSchema(schema.properties)) type = 'object';
    else if (schema.items !== undefined) type = 'array';
  }
  switch (type) {
    case 'string':
      return sampleString(schema, name);
    case 'integer':
      return sampleNumber(schema, true);
    case 'number':
      return sampleNumber(schema, false);
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array':
      return sampleArray(schema, name, rootSchema, depth);
    case 'object': {
      const out: Record<string, unknown> = {};
      const properties = isSchema(schema.properties) ? schema.properties : {};
      for (const [key, propertySchema] of Object.entries(properties)) {
        out[key] = sampleFromJsonSchema(propertySchema, key, rootSchema, depth + 1);
      }
      if (Array.isArray(schema.required)) {
        for (const key of schema.required) {
          if (typeof key === 'string' && !(key in out)) {
            out[key] = isSchema(schema.additionalProperties)
              ? sampleFromJsonSchema(schema.additionalProperties, key, rootSchema, depth + 1)
              : 'example';
          }
        }
      }
      return out;
    }
    default:
      return isSchema(schema.properties) ? {} : 'example';
  }
}

/** An array of `minItems` (at least one, at most `maxItems`) samples, distinct when `uniqueItems`. */
function sampleArray(schema: Schema, name: string, rootSchema: Schema, depth: number): unknown[] {
  const count = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1);
  const limited = typeof schema.maxItems === 'number' ? Math.min(count, schema.maxItems) : count;
  const prefix: unknown[] = Array.isArray(schema.prefixItems)
    ? (schema.prefixItems as unknown[])
    : [];
  const out: unknown[] = [];
  for (let i = 0; i < limited; i++) {
    const itemSchema: unknown = prefix[i] ?? schema.items;
    let value = sampleFromJsonSchema(itemSchema ?? {}, name, rootSchema, depth + 1);
    if (schema.uniqueItems === true && typeof value === 'number') value = value + i;
    else if (schema.uniqueItems === true && typeof value === 'string' && i > 0)
      value = `${value} ${i + 1}`;
    out.push(value);
  }
  return out;
}
