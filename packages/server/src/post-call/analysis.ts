/**
 * Post-call analysis through the Responses API: one request whose `json_schema` output holds
 * the parts the agent asks for (a summary, extracted fields, a success verdict with its reason).
 * The extracted fields are checked against the agent's schema before they are stored.
 */
import { z } from 'zod';
import type { ConversationAnalysis, PostCallSettings } from '../schemas.js';

/** Where and how to call the Responses API. */
export interface ResponsesEndpoint {
  url: string;
  headers: Record<string, string>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

/** True when the agent asks for any analysis. */
export function wantsAnalysis(settings: PostCallSettings): boolean {
  return (
    settings.summaryPrompt !== null ||
    settings.extractionSchema !== null ||
    settings.successRubric !== null
  );
}

/** The JSON Schema of the answer: only the parts the agent configured. */
export function analysisSchema(settings: PostCallSettings): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  if (settings.summaryPrompt !== null) properties.summary = { type: 'string' };
  if (settings.extractionSchema !== null) properties.extracted = settings.extractionSchema;
  if (settings.successRubric !== null) {
    properties.success = { type: 'boolean' };
    properties.rationale = { type: 'string' };
  }
  return {
    type: 'object',
    additionalProperties: false,
    properties,
    required: Object.keys(properties),
  };
}

function instructionsOf(settings: PostCallSettings): string {
  const parts = [
    'You analyse a finished conversation between a visitor and a voice agent. Answer only with JSON matching the schema.',
  ];
  if (settings.summaryPrompt !== null) parts.push(`Summary ("summary"): ${settings.summaryPrompt}`);
  if (settings.extractionSchema !== null)
    parts.push(
      'Extraction ("extracted"): fill the fields from what was said; do not invent values.',
    );
  if (settings.successRubric !== null)
    parts.push(
      `Success ("success", with a one-sentence "rationale"): true only if this rubric is met: ${settings.successRubric}`,
    );
  return parts.join('\n\n');
}

/** The `output_text` of a Responses answer. */
function outputText(body: unknown): string | null {
  const output = (body as { output?: unknown }).output;
  if (!Array.isArray(output)) return null;
  for (const item of output as { type?: unknown; content?: unknown }[]) {
    if (item.type !== 'message' || !Array.isArray(item.content)) continue;
    for (const part of item.content as { type?: unknown; text?: unknown }[])
      if (part.type === 'output_text' && typeof part.text === 'string') return part.text;
  }
  return null;
}

/**
 * Runs the analysis of `transcript`. Never throws: a failure (HTTP, timeout, an answer that is
 * not JSON or does not match the schema) comes back as `status: 'failed'` with the reason.
 */
export async function analyseConversation(
  endpoint: ResponsesEndpoint,
  settings: PostCallSettings,
  conversationId: string,
  transcript: string,
): Promise<Omit<ConversationAnalysis, 'createdAt'>> {
  const failed = (error: string) => ({
    conversationId,
    status: 'failed' as const,
    summary: null,
    extracted: null,
    success: null,
    rationale: null,
    model: settings.analysisModel,
    error,
  });
  let body: unknown;
  try {
    const response = await (endpoint.fetch ?? fetch)(endpoint.url, {
      method: 'POST',
      headers: { ...endpoint.headers, 'content-type': 'application/json' },
      body: JSON.stringify({
        model: settings.analysisModel,
        instructions: instructionsOf(settings),
        input: [{ role: 'user', content: transcript || '(nothing was said)' }],
        text: {
          format: {
            type: 'json_schema',
            name: 'post_call_analysis',
            schema: analysisSchema(settings),
            strict: false,
          },
        },
        store: false,
      }),
      signal: AbortSignal.timeout(endpoint.timeoutMs ?? 60_000),
    });
    if (!response.ok) return failed(`the Responses API answered HTTP ${response.status}`);
    body = await response.json();
  } catch (error) {
    return failed(`the Responses API could not be reached (${(error as Error).name})`);
  }
  const text = outputText(body);
  let answer: Record<string, unknown>;
  try {
    answer = JSON.parse(text ?? '') as Record<string, unknown>;
  } catch {
    return failed('the analysis was not JSON');
  }
  let extracted: Record<string, unknown> | null = null;
  if (settings.extractionSchema !== null) {
    const schema = z.fromJSONSchema(settings.extractionSchema);
    const checked = schema.safeParse(answer.extracted);
    if (!checked.success || typeof checked.data !== 'object' || checked.data === null)
      return failed(
        `the extracted fields do not match the schema: ${checked.error?.issues[0]?.message ?? 'not an object'}`,
      );
    extracted = checked.data as Record<string, unknown>;
  }
  return {
    conversationId,
    status: 'done',
    summary: typeof answer.summary === 'string' ? answer.summary : null,
    extracted,
    success:
      settings.successRubric !== null && typeof answer.success === 'boolean'
        ? answer.success
        : null,
    rationale: typeof answer.rationale === 'string' ? answer.rationale : null,
    model: settings.analysisModel,
    error: null,
  };
}
