/**
 * HTTP webhook tools: the arguments are POSTed as JSON, signed with HMAC-SHA256 over
 * `<timestamp>.<body>` (`x-parley-signature: sha256=<hex>`, `x-parley-timestamp: <unix s>`), with a
 * timeout and a cap on the response size.
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { WebhookToolRecord } from '../storage/tools-store.js';
import { ToolError } from './types.js';
import type { ServerTool } from './types.js';
import { OutboundUrlRefusedError } from './url-guard.js';
import type { UrlGuard } from './url-guard.js';

/** Computes the signature header value a receiver should expect. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function argumentsSchema(parameters: Record<string, unknown>): z.ZodType<Record<string, unknown>> {
  try {
    const schema = z.fromJSONSchema(parameters);
    return z.record(z.string(), z.unknown()).and(schema);
  } catch {
    // A schema zod cannot represent still gets the basic shape check.
    return z.record(z.string(), z.unknown());
  }
}

async function readLimited(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > limit)
    throw new ToolError('response_too_large', `the tool answered more than ${limit} bytes`);
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      throw new ToolError('response_too_large', `the tool answered more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The refusal inside a failed fetch, if the URL guard refused the address. */
function refusal(error: unknown): OutboundUrlRefusedError | undefined {
  for (let current = error, depth = 0; current && depth < 4; depth += 1) {
    if (current instanceof OutboundUrlRefusedError) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * Turns a stored webhook definition into a runnable tool that calls its URL through `guard`
 * (internal addresses refused unless allowlisted).
 */
export function webhookTool(
  record: WebhookToolRecord,
  guard: UrlGuard,
): ServerTool<Record<string, unknown>> {
  return {
    name: record.name,
    description: record.description,
    parameters: record.parameters,
    args: argumentsSchema(record.parameters),
    timeoutMs: record.timeoutMs,
    async execute(args, context) {
      const body = JSON.stringify({
        tool: record.name,
        arguments: args,
        callId: context.callId,
        agentId: context.agent.id,
        conversationId: context.conversationId,
        // An admin test-run: the webhook is called for real, and told so.
        ...(context.dryRun ? { test: true } : {}),
      });
      const timestamp = String(Math.floor(context.now().getTime() / 1000));
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        'user-agent': 'parley-server',
        'x-parley-timestamp': timestamp,
      };
      if (record.secret)
        headers['x-parley-signature'] = signWebhook(record.secret, timestamp, body);
      // The runner's signal ends the request at the tool's time limit (no second timer here).
      const { signal } = context;
      try {
        const response = await guard.fetch(record.url, {
          method: 'POST',
          headers,
          body,
          signal,
          redirect: 'error',
        });
        const text = await readLimited(response, record.maxResponseBytes);
        if (!response.ok) {
          throw new ToolError(
            'http_error',
            `the tool answered HTTP ${response.status}: ${text.slice(0, 200)}`,
            response.status,
          );
        }
        try {
          return JSON.parse(text) as unknown;
        } catch {
          return { text };
        }
      } catch (error) {
        if (signal.aborted) {
          throw new ToolError('timeout', `the tool did not answer within ${record.timeoutMs} ms`);
        }
        if (error instanceof ToolError) throw error;
        const refused = refusal(error);
        if (refused) throw new ToolError('url_refused', refused.message);
        // No socket error text: "ECONNREFUSED 10.0.0.7:22" would let a caller map the network.
        throw new ToolError('unreachable', 'the tool could not be reached');
      }
    },
  };
}
