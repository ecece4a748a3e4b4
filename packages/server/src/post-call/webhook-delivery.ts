/**
 * Delivers a post-call webhook: a JSON POST signed exactly like webhook tools
 * (`x-parley-signature: sha256=<hex>` of `<timestamp>.<body>`, see `signWebhook`), retried with
 * exponential backoff until a 2xx answer or the last attempt; every attempt is logged. Progress is
 * kept in the webhook queue, so a retry pending when the server stops is resumed at its next start.
 */
import { signWebhook } from '../tools/webhook-tool.js';
import type { UrlGuard } from '../tools/url-guard.js';
import type { DeliveryWrite } from '../storage/post-call-store.js';

/** How often and how patiently a webhook is retried. */
export interface RetryPolicy {
  /** Attempts in all. Default 5. */
  attempts: number;
  /** Wait before the second attempt, doubled after each. Default 2 s (2, 4, 8, 16 s). */
  firstDelayMs: number;
  /** Time one attempt may take. Default 10 s. */
  timeoutMs: number;
}

/** The defaults of {@link RetryPolicy}. */
export const defaultRetryPolicy: RetryPolicy = {
  attempts: 5,
  firstDelayMs: 2_000,
  timeoutMs: 10_000,
};

/** One webhook to deliver. */
export interface WebhookJob {
  conversationId: string;
  agentId: string;
  url: string;
  /** Signs the body when set (otherwise only the timestamp header is sent). */
  secret: string | null;
  /** The same for every attempt, so a receiver can drop repeats. */
  deliveryId: string;
  /** The JSON body, the same for every attempt (also after a restart). */
  body: string;
  /** The attempt to start at (a delivery resumed after a restart goes on where it stopped). */
  firstAttempt?: number;
}

/** Keeps a delivery's progress in the webhook queue (see `webhook-queue-store.ts`). */
export interface DeliveryQueue {
  /** Takes `attempt`; false when another instance has it or it moved on. */
  claim(attempt: number): Promise<boolean>;
  /** After a failed attempt: the next one, due at `dueAt`. */
  reschedule(nextAttempt: number, dueAt: Date): Promise<void>;
  /** Delivered or given up. */
  remove(): Promise<void>;
}

/** What delivery needs from the server. */
export interface DeliveryContext {
  guard: UrlGuard;
  now: () => Date;
  record: (attempt: DeliveryWrite) => Promise<unknown>;
  /** Waits between attempts; resolves false when the server is stopping (no more attempts). */
  wait: (ms: number) => Promise<boolean>;
  policy: RetryPolicy;
  queue: DeliveryQueue;
}

/** Delivers `job`; resolves true once a receiver accepted it. */
export async function deliverWebhook(job: WebhookJob, context: DeliveryContext): Promise<boolean> {
  const { body, url } = job;
  const { policy, queue } = context;
  for (let attempt = job.firstAttempt ?? 1; attempt <= policy.attempts; attempt += 1) {
    if (!(await queue.claim(attempt))) return false;
    const timestamp = String(Math.floor(context.now().getTime() / 1000));
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'parley-server',
      'x-parley-event': 'conversation.ended',
      'x-parley-delivery': job.deliveryId,
      'x-parley-attempt': String(attempt),
      'x-parley-timestamp': timestamp,
    };
    if (job.secret) headers['x-parley-signature'] = signWebhook(job.secret, timestamp, body);
    const started = performance.now();
    let httpStatus: number | null = null;
    let error: string | null = null;
    try {
      const response = await context.guard.fetch(url, {
        method: 'POST',
        headers,
        body,
        redirect: 'error',
        signal: AbortSignal.timeout(policy.timeoutMs),
      });
      httpStatus = response.status;
      await response.body?.cancel();
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (cause) {
      // No socket error text: it would map the network for whoever reads the log.
      error =
        (cause as Error).name === 'TimeoutError'
          ? `no answer within ${policy.timeoutMs} ms`
          : 'the receiver could not be reached';
    }
    const delivered = error === null;
    const last = attempt === policy.attempts;
    await context.record({
      conversationId: job.conversationId,
      agentId: job.agentId,
      url: job.url,
      attempt,
      outcome: delivered ? 'delivered' : last ? 'gave_up' : 'failed',
      httpStatus,
      error,
      durationMs: Math.round(performance.now() - started),
    });
    if (delivered || last) {
      await queue.remove();
      return delivered;
    }
    const delayMs = policy.firstDelayMs * 2 ** (attempt - 1);
    await queue.reschedule(attempt + 1, new Date(context.now().getTime() + delayMs));
    // A stopping server leaves the retry queued: the next start resumes it when it is due.
    if (!(await context.wait(delayMs))) return false;
  }
  return false;
}
