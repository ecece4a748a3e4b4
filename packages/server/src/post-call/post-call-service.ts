/**
 * What runs when a conversation ends: the agent's post-call analysis (through the upstream's
 * Responses API) and then its post-call webhook with the transcript, tool calls, cost and
 * analysis. Runs off the relay's path; `close()` stops retries and waits for work in flight.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import type { Conversation, ConversationAnalysis } from '../schemas.js';
import { resumableEndReasons } from '../sessions/resume.js';
import type { Store } from '../storage/store.js';
import type { UrlGuard } from '../tools/url-guard.js';
import type { Upstream } from '../upstream.js';
import { analyseConversation, wantsAnalysis } from './analysis.js';
import { defaultRetryPolicy, deliverWebhook } from './webhook-delivery.js';
import type { RetryPolicy, WebhookJob } from './webhook-delivery.js';

/** The settings key of an agent's webhook signing secret (kept out of versioned configs). */
export const postCallSecretKey = (agentId: string): string => `post_call_webhook_secret:${agentId}`;

/** End reasons after which the conversation goes on elsewhere (no post-call work yet). */
const handedOver = new Set(['server_restart']);

/** What the service needs. */
export interface PostCallOptions {
  store: Store;
  upstream: Upstream;
  urlGuard: UrlGuard;
  log: Logger;
  now: () => Date;
  retry?: Partial<RetryPolicy>;
  /**
   * How long after a dropped connection a relayed conversation may be resumed (the issuer's
   * window): its post-call work waits until then, so it runs once, over the whole conversation.
   */
  resumeWindowMs?: number;
}

/** The post-call runner. */
export interface PostCallService {
  /** A conversation ended and its writes are stored: analyse it and call the webhook. */
  ended(conversationId: string): void;
  /** Resumes the webhooks a stopped or crashed server left queued, each when it is due. */
  resume(): void;
  /** Resolves when nothing is running (tests, shutdown). */
  idle(): Promise<void>;
  /** Stops retries (the last attempt logged stays `failed`) and waits for work in flight. */
  close(): Promise<void>;
}

/**
 * The conversation once its end is final; undefined when there is nothing to do yet. An end a
 * reconnect may undo (a relayed or WebRTC conversation whose connection dropped, or that the
 * visitor closed) is final when the resume window has passed without a resume: until then the analysis would see
 * half a conversation, and a resume that ends again would analyse and deliver it a second time.
 * A resumed conversation that ends again schedules its own run; this one then finds the
 * conversation live or ended later, and drops out. A server that stops meanwhile runs it now
 * rather than lose it (a resume on another instance may then deliver a second, fuller report).
 */
async function finalEnd(
  options: PostCallOptions,
  conversationId: string,
  wait: (ms: number) => Promise<boolean>,
): Promise<Conversation | undefined> {
  const { store } = options;
  const conversation = await store.conversations.get(conversationId);
  if (!conversation || conversation.status === 'active') return;
  const reason = conversation.endReason;
  if (reason !== null && handedOver.has(reason)) return;
  const windowMs = options.resumeWindowMs ?? 0;
  const resumable =
    conversation.mode !== 'direct' && reason !== null && resumableEndReasons.has(reason);
  if (!resumable || windowMs <= 0 || conversation.endedAt === null) return conversation;
  const dueInMs = Date.parse(conversation.endedAt) + windowMs - options.now().getTime();
  if (dueInMs > 0) await wait(dueInMs);
  const settled = await store.conversations.get(conversationId);
  if (!settled || settled.status === 'active' || settled.endedAt !== conversation.endedAt) return;
  return settled;
}

/** The post-call work of one ended conversation: analysis, then the webhook. */
async function runPostCall(
  options: PostCallOptions,
  conversationId: string,
  delivery: { wait: (ms: number) => Promise<boolean>; policy: RetryPolicy },
): Promise<void> {
  const { store, log } = options;
  const conversation = await finalEnd(options, conversationId, delivery.wait);
  if (!conversation || conversation.agentVersion === null) return;
  const agent = await store.agents.atVersion(conversation.agentId, conversation.agentVersion);
  const settings = agent?.config.postCall;
  if (!settings || (!wantsAnalysis(settings) && settings.webhookUrl === null)) return;
  const detail = await store.conversations.detail(conversationId);
  const transcript = detail.items
    .filter((item) => item.type === 'message' && item.text)
    .map((item) => `${item.role === 'assistant' ? 'Agent' : 'Visitor'}: ${item.text ?? ''}`)
    .join('\n');

  let analysis: ConversationAnalysis | null = null;
  const responsesUrl = options.upstream.responsesUrl?.();
  if (wantsAnalysis(settings) && responsesUrl !== undefined) {
    const result = await analyseConversation(
      { url: responsesUrl, headers: options.upstream.headers() },
      settings,
      conversationId,
      transcript,
    );
    if (result.status === 'failed')
      log.warn('post-call analysis failed', { conversationId, error: result.error });
    await store.postCall.saveAnalysis({ ...result, agentId: conversation.agentId });
    analysis = { ...result, createdAt: options.now().toISOString() };
  }

  if (settings.webhookUrl === null) return;
  const attribution = await store.ledger.attribution(conversationId);
  const payload = {
    event: 'conversation.ended',
    conversation: { ...conversation, analysis: undefined, ...attribution },
    transcript: detail.items
      .filter((item) => item.type === 'message')
      .map((item) => ({
        role: item.role,
        text: item.text,
        status: item.status,
        at: item.createdAt,
      })),
    toolCalls: detail.toolCalls.map((call) => ({
      callId: call.callId,
      name: call.name,
      arguments: call.arguments,
      output: call.output,
      outcome: call.outcome,
      durationMs: call.durationMs,
      at: call.createdAt,
    })),
    cost: {
      usd: conversation.costUsd,
      inputTokens: conversation.inputTokens,
      outputTokens: conversation.outputTokens,
      usageSeconds: conversation.usageSeconds,
    },
    analysis,
  };
  const job = {
    conversationId,
    agentId: conversation.agentId,
    url: settings.webhookUrl,
    // One id per final end: the work runs once per conversation (see `finalEnd`).
    deliveryId: `pcd_${createHash('sha256')
      .update(`${conversationId}.${conversation.endedAt ?? ''}`)
      .digest('hex')
      .slice(0, 24)}`,
    body: JSON.stringify(payload),
  };
  // Queued before the first attempt: a retry pending at shutdown is resumed at the next start.
  if (!(await store.webhookQueue.enqueue(job))) return;
  await deliverQueued(options, job, 1, delivery);
}

/** Delivers a queued webhook from `firstAttempt` on, with the agent's current signing secret. */
async function deliverQueued(
  options: PostCallOptions,
  job: Omit<WebhookJob, 'secret' | 'firstAttempt'>,
  firstAttempt: number,
  { wait, policy }: { wait: (ms: number) => Promise<boolean>; policy: RetryPolicy },
): Promise<void> {
  const { store } = options;
  const secret = (await store.admin.getSetting(postCallSecretKey(job.agentId))) ?? null;
  await deliverWebhook(
    { ...job, secret, firstAttempt },
    {
      guard: options.urlGuard,
      now: options.now,
      record: (attempt) => store.postCall.recordDelivery(attempt),
      wait,
      policy,
      queue: {
        claim: (attempt) =>
          store.webhookQueue.claim(job.deliveryId, attempt, policy.timeoutMs + 5_000),
        reschedule: (next, dueAt) => store.webhookQueue.reschedule(job.deliveryId, next, dueAt),
        remove: () => store.webhookQueue.remove(job.deliveryId),
      },
    },
  );
}

/** Creates the runner. */
export function createPostCallService(options: PostCallOptions): PostCallService {
  const { log } = options;
  const policy = { ...defaultRetryPolicy, ...options.retry };
  const running = new Set<Promise<void>>();
  const sleeping = new Set<() => void>();
  let stopped = false;

  const wait = (ms: number) =>
    new Promise<boolean>((resolve) => {
      if (stopped) return resolve(false);
      const wake = () => {
        clearTimeout(timer);
        sleeping.delete(wake);
        resolve(false);
      };
      const timer = setTimeout(() => {
        sleeping.delete(wake);
        resolve(!stopped);
      }, ms);
      sleeping.add(wake);
    });

  const track = (work: Promise<void>, conversationId: string | undefined) => {
    if (stopped) return;
    const task = work
      .catch((error: unknown) => log.error('post-call work failed', { conversationId, error }))
      .finally(() => running.delete(task));
    running.add(task);
  };

  return {
    ended(conversationId) {
      if (stopped) return;
      track(runPostCall(options, conversationId, { wait, policy }), conversationId);
    },
    resume() {
      const resumeAll = async () => {
        for (const queued of await options.store.webhookQueue.pending()) {
          const dueInMs = Date.parse(queued.dueAt) - options.now().getTime();
          const work = async () => {
            if (dueInMs > 0 && !(await wait(dueInMs))) return;
            await deliverQueued(options, queued, queued.nextAttempt, { wait, policy });
          };
          track(work(), queued.conversationId);
        }
      };
      track(resumeAll(), undefined);
    },
    async idle() {
      while (running.size > 0) await Promise.all([...running]);
    },
    async close() {
      stopped = true;
      for (const wake of [...sleeping]) wake();
      await this.idle();
    },
  };
}
