/**
 * Records a relayed conversation as it flows: the conversation row, completed items, late user
 * transcripts, tool calls, and each response's usage and cost. Forwarding never waits for
 * storage: writes are queued and run in order, in batches, after the I/O already read has been
 * relayed; nothing queued is lost (`flushed()` waits for every batch).
 *
 * While the database is away (a restart, a failover, dropped connections) the conversation goes
 * on: the write that failed stays at the head of the queue and is retried with backoff, in
 * order, until it is stored (or {@link RecorderLimits.retryForMs} has passed). The queue is
 * bounded: past {@link RecorderLimits.maxQueuedWrites} the recorder reports a full backlog once
 * and the session ends (resumable) rather than holding more than it could store.
 */
import { modelCost, tokenUsageOf } from '@parley/core';
import type { RealtimeItem, Usage } from '@parley/core';
import type { Logger } from '../logger.js';
import { isDatabaseUnavailable } from '../storage/database-availability.js';
import type { Store } from '../storage/store.js';
import type { ToolCallRecord } from '../storage/conversations-store.js';
import type { TurnMeasure } from './turn-tracker.js';

/** The conversation a recorder writes into. */
export interface RecordedConversation {
  id: string;
  /** True when the conversation exists already (a resume); otherwise it is started. */
  reopened: boolean;
  agentId: string;
  agentVersion: number;
  model: string;
  clientId: string;
  /** How the browser is connected: through the relay (default) or a WebRTC call with a sideband. */
  mode?: 'relay' | 'webrtc';
}

type Write = (conversationId: string) => Promise<unknown>;

/** How long and how much the recorder holds while the database is away. */
export interface RecorderLimits {
  /** Writes a conversation may have waiting (each item, transcript, call, usage is one). Default 1,000. */
  maxQueuedWrites: number;
  /** How long one write is retried while the database is away before it is given up. Default 5 minutes. */
  retryForMs: number;
  /** First retry delay, doubled up to 2 s. Default 100 ms. */
  retryDelayMs: number;
}

/** The defaults of {@link RecorderLimits}. */
export const defaultRecorderLimits: RecorderLimits = {
  maxQueuedWrites: 1_000,
  retryForMs: 5 * 60_000,
  retryDelayMs: 100,
};

/**
 * The text an item is stored with: a message's text or transcript, a call's `name(arguments)`
 * (an MCP call's or approval request's `label/name(arguments)`).
 */
export function itemText(item: RealtimeItem): string | null {
  if (item.type === 'function_call_output') return item.output ?? null;
  if (item.type === 'function_call') return `${item.name ?? ''}(${item.arguments ?? ''})`;
  if (item.type === 'mcp_call' || item.type === 'mcp_approval_request')
    return `${item.server_label}/${item.name}(${item.arguments})`;
  if (item.type !== 'message') return null;
  const texts: string[] = [];
  for (const part of item.content ?? []) {
    const text =
      ('text' in part && typeof part.text === 'string' ? part.text : null) ??
      ('transcript' in part && typeof part.transcript === 'string' ? part.transcript : null);
    if (text) texts.push(text);
  }
  return texts.length > 0 ? texts.join('\n') : null;
}

/** Writes one relayed conversation to the store, in order, off the forwarding path. */
export class ConversationRecorder {
  /** Settles once every write queued so far reached storage (or failed and was logged). */
  private writes: Promise<unknown> = Promise.resolve();
  /** Writes waiting for the next batch, in order. */
  private readonly queued: { operation: Write; needsConversation: boolean }[] = [];
  private batchScheduled = false;
  private startedId: string | null = null;
  private warnedUnpriced = false;
  private backlogReported = false;
  private readonly limits: RecorderLimits;
  /** Writes waiting or running, for the bound (the one in flight counts). */
  private pending = 0;
  /** True while a write is being retried because the database is away. */
  private retrying = false;

  constructor(
    private readonly store: Store,
    private readonly log: Logger,
    private readonly conversation: RecordedConversation,
    options: { limits?: Partial<RecorderLimits>; onBacklogFull?: () => void } = {},
  ) {
    this.limits = { ...defaultRecorderLimits, ...options.limits };
    this.onBacklogFull = options.onBacklogFull ?? (() => undefined);
    if (conversation.reopened) {
      this.startedId = conversation.id;
      return;
    }
    // Starting the conversation is the first queued write: retried like the others while the
    // database is away, and everything after it waits for its id.
    this.queue(async () => {
      // Retried after a dropped connection: the row may already be there (ON CONFLICT keeps it).
      this.startedId = await store.conversations.start({
        id: conversation.id,
        agentId: conversation.agentId,
        agentVersion: conversation.agentVersion,
        mode: conversation.mode ?? 'relay',
        model: conversation.model,
        clientId: conversation.clientId,
      });
    }, true);
  }

  private readonly onBacklogFull: () => void;

  /** Writes not yet stored (queued, or being tried). */
  get backlog(): number {
    return this.pending;
  }

  /** True while storage is away and a write is being retried. */
  get waitingForStorage(): boolean {
    return this.retrying;
  }

  /** The stored conversation's id, or null until it has been started (or if that failed). */
  get conversationId(): string | null {
    return this.startedId;
  }

  /** Resolves once every write so far reached storage. */
  flushed(): Promise<void> {
    return this.writes.then(
      () => undefined,
      () => undefined,
    );
  }

  /**
   * Stores an item when it is first seen, in progress too, so the transcript keeps the order in
   * which items were created (a message typed while the agent speaks comes after that reply, not
   * before it); its completion later fills in the text and status in place.
   */
  item(item: RealtimeItem | undefined): void {
    if (!item || typeof item.id !== 'string' || typeof item.type !== 'string') return;
    const record = {
      itemId: item.id,
      type: item.type,
      callId: item.type === 'function_call' ? (item.call_id ?? null) : null,
      role: item.type === 'message' ? (item.role ?? null) : null,
      text: itemText(item),
      status: item.status ?? null,
    };
    this.write((id) => this.store.conversations.recordItem(id, record));
  }

  /** Fills in a user transcript that arrived after its item. */
  transcript(itemId: string, text: string): void {
    this.write((id) => this.store.conversations.setItemText(id, itemId, text));
  }

  /** Stores one finished tool call (a server tool's, or a browser tool's output). */
  toolCall(call: ToolCallRecord): void {
    this.write((id) => this.store.conversations.recordToolCall(id, call));
  }

  /** Stores a response's usage, its cost at the model's price and the turn's latency. */
  usage(response: {
    responseId: string;
    status: string;
    usage: Usage;
    latencyMs: number | null;
  }): void {
    const { usage } = response;
    const tokens = tokenUsageOf(usage);
    // Core's price table and rule: a model it has no price for costs nothing rather than a guess.
    const costUsd = modelCost(tokens, this.conversation.model);
    if (costUsd === null && !this.warnedUnpriced) {
      this.warnedUnpriced = true;
      this.log.warn('no price for this model; its cost is not counted', {
        model: this.conversation.model,
      });
    }
    const record = {
      responseId: response.responseId,
      status: response.status,
      inputTokens: tokens.inputTokens,
      outputTokens: tokens.outputTokens,
      inputTextTokens: tokens.inputTextTokens,
      inputAudioTokens: tokens.inputAudioTokens,
      cachedTokens:
        usage.input_token_details?.cached_tokens ??
        tokens.cachedTextTokens + tokens.cachedAudioTokens + tokens.cachedImageTokens,
      outputTextTokens: tokens.outputTextTokens,
      outputAudioTokens: tokens.outputAudioTokens,
      costUsd: costUsd ?? 0,
      latencyMs: response.latencyMs,
    };
    this.write((id) => this.store.conversations.recordResponse(id, record));
  }

  /** Adds GPT-Live billed seconds and their cost to the conversation's. */
  usageSeconds(seconds: number, costUsd: number): void {
    this.write((id) => this.store.conversations.addUsageSeconds(id, seconds, costUsd));
  }

  /** Stores one finished user turn (latency and time in tools). */
  turn(measure: TurnMeasure | null): void {
    if (measure === null) return;
    this.write((id) => this.store.turns.record(id, measure));
  }

  /** Marks the conversation ended. */
  end(outcome: { status: 'completed' | 'failed'; endReason: string }): void {
    this.write((id) => this.store.conversations.end(id, outcome));
  }

  /** Runs `task` once the writes queued so far are stored (a tool sees the conversation). */
  afterWrites<T>(task: () => Promise<T>): Promise<T> {
    return this.writes.then(task, task);
  }

  /**
   * Queues a storage write. The first write of a batch waits for the I/O already read to be
   * relayed (`setImmediate`), then the batch and whatever was queued meanwhile run one after
   * the other.
   */
  private write(operation: Write): void {
    this.queue(operation, false);
  }

  private queue(operation: Write, first: boolean): void {
    this.queued.push({ operation, needsConversation: !first });
    this.pending += 1;
    if (this.pending > this.limits.maxQueuedWrites && !this.backlogReported) {
      this.backlogReported = true;
      this.log.warn('relay writes backed up while storage is away; ending the session', {
        conversationId: this.conversation.id,
        queued: this.pending,
      });
      this.onBacklogFull();
    }
    if (this.batchScheduled) return;
    this.batchScheduled = true;
    this.writes = this.writes
      .catch(() => undefined)
      .then(() => new Promise<void>((resolve) => setImmediate(resolve)))
      .then(() => this.writeBatch());
  }

  private async writeBatch(): Promise<void> {
    while (this.queued.length > 0) {
      for (const { operation, needsConversation } of this.queued.splice(0)) {
        await this.run(operation, needsConversation);
        this.pending -= 1;
      }
    }
    this.batchScheduled = false;
  }

  /**
   * Runs one write; while the database is away, retries it with backoff (the writes behind it
   * wait, so the order holds). Any other failure is logged and the write dropped: retrying a
   * write the database refuses would never succeed.
   */
  private async run(operation: Write, needsConversation: boolean): Promise<void> {
    const giveUpAt = Date.now() + this.limits.retryForMs;
    let delay = this.limits.retryDelayMs;
    for (;;) {
      if (this.startedId === null && needsConversation) {
        // The conversation could not be started (a refused row): nothing can refer to it.
        return;
      }
      try {
        await operation(this.startedId ?? '');
        if (this.retrying) {
          this.retrying = false;
          this.log.info('storage is back; queued relay writes are being stored', {
            conversationId: this.conversation.id,
            queued: this.pending,
          });
        }
        return;
      } catch (error: unknown) {
        if (!isDatabaseUnavailable(error) || Date.now() + delay > giveUpAt) {
          this.log.error('could not persist relay data', { error });
          return;
        }
        if (!this.retrying) {
          this.retrying = true;
          this.log.warn('storage is away; relay writes are queued and retried', {
            conversationId: this.conversation.id,
          });
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 2_000);
      }
    }
  }
}
