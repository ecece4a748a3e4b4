/**
 * `POST /v1/responses`, deterministic and offline: the same request always gets the same
 * answer. With `text.format` of type `json_schema` the output text is JSON valid against the
 * schema (built by {@link sampleFromJsonSchema}; a free-form string property named `summary`
 * carries the start of the input instead of a placeholder); otherwise a short text that quotes
 * the input. Enough for a server's post-call analysis to run end to end without a key. A request
 * that offers tools is answered by the reply rules (`responses-tools.ts`): a function call when
 * the latest user message names a tool, a text after the tool's output.
 */
import { createHash } from 'node:crypto';
import { sampleFromJsonSchema } from './json-schema-sample.js';
import { toolOutput } from './responses-tools.js';

type Body = Record<string, unknown>;

function isObject(value: unknown): value is Body {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The text of `input` (a string, or messages whose content is a string or text parts). */
export function inputText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (!Array.isArray(input)) return '';
  const texts: string[] = [];
  for (const message of input) {
    if (!isObject(message)) continue;
    const content = message.content;
    if (typeof content === 'string') texts.push(content);
    else if (Array.isArray(content))
      for (const part of content)
        if (isObject(part) && typeof part.text === 'string') texts.push(part.text);
  }
  return texts.join('\n');
}

/** A short, single-line digest of the input for a `summary` field. */
function digest(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return `Emulated summary: ${line.length > 160 ? `${line.slice(0, 157)}...` : line || '(empty)'}`;
}

function isFreeString(schema: unknown): boolean {
  if (!isObject(schema) || schema.type !== 'string') return false;
  return !['enum', 'const', 'pattern', 'format', 'maxLength', 'minLength', 'default'].some(
    (key) => key in schema,
  );
}

/** The answer to a Responses request body: `{ status, body }` (400 on a malformed request). */
export function answerResponses(body: Body): { status: number; body: unknown } {
  if (typeof body.model !== 'string' || body.model === '')
    return invalid("Missing required parameter: 'model'.", 'model');
  if (body.input === undefined) return invalid("Missing required parameter: 'input'.", 'input');
  const text = inputText(body.input);
  const format = isObject(body.text) && isObject(body.text.format) ? body.text.format : null;
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  const withTools =
    format?.type === 'json_schema'
      ? null
      : toolOutput(
          body,
          (prefix) =>
            `${prefix}_${createHash('sha256').update(`${hash}:${prefix}`).digest('hex').slice(0, 24)}`,
        );
  let output: string;
  if (withTools) {
    output = withTools.text;
  } else if (format?.type === 'json_schema') {
    if (!isObject(format.schema))
      return invalid("Missing required parameter: 'text.format.schema'.", 'text.format.schema');
    const sample = sampleFromJsonSchema(format.schema);
    const properties = isObject(format.schema.properties) ? format.schema.properties : {};
    if (isObject(sample) && isFreeString(properties.summary)) sample.summary = digest(text);
    output = JSON.stringify(sample);
  } else {
    output = `Emulated response. ${digest(text)}`;
  }
  const instructions = typeof body.instructions === 'string' ? body.instructions : '';
  const inputTokens = Math.ceil((text.length + instructions.length) / 4);
  const outputTokens = Math.ceil(
    (output.length || JSON.stringify(withTools?.output ?? '').length) / 4,
  );
  return {
    status: 200,
    body: {
      id: `resp_${hash.slice(0, 24)}`,
      object: 'response',
      created_at: 0,
      status: 'completed',
      model: body.model,
      output: withTools?.output ?? [
        {
          type: 'message',
          id: `msg_${hash.slice(24, 48)}`,
          status: 'completed',
          role: 'assistant',
          content: [{ type: 'output_text', text: output, annotations: [] }],
        },
      ],
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: 0 },
        total_tokens: inputTokens + outputTokens,
      },
    },
  };
}

function invalid(message: string, param: string) {
  return {
    status: 400,
    body: {
      error: { message, type: 'invalid_request_error', param, code: 'missing_required_parameter' },
    },
  };
}
