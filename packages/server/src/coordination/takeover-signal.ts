/**
 * The cross-instance "take conversation X over" signal, over whatever carries messages between
 * instances (an in-process fan-out, Redis pub/sub, PostgreSQL LISTEN/NOTIFY): the instance that
 * resumes a conversation announces it, every other instance ends its live holder of it (a
 * half-open relayed socket, a WebRTC call whose page dropped) and, once that holder's writes are
 * stored, answers the announcer. The transports only move strings; the protocol is here, once.
 */
import { randomUUID } from 'node:crypto';

/**
 * What an instance does when another takes a conversation over: ends its live holder of it and
 * awaits that holder's writes, resolving true when it had one, false when it had none (then it
 * stays silent: only a holder answers).
 */
export type TakeoverHandler = (conversationId: string) => Promise<boolean>;

/** How a takeover announcement went. */
export type TakeoverOutcome = 'ended' | 'unanswered';

/** One instance's end of the signal ({@link SharedState.takeovers}). */
export interface TakeoverChannel {
  /**
   * Tells the other instances this one takes `conversationId` over. Resolves `'ended'` once one
   * of them answered that its holder ended with its writes stored, `'unanswered'` after `waitMs`
   * without an answer (no other instance held it, or the one that did is slow or gone). Rejects
   * when the announcement could not be sent (the backend is away).
   */
  takeOver(conversationId: string, waitMs: number): Promise<TakeoverOutcome>;
  /**
   * Resolves once this instance receives the others' takeovers (subscribed, listening). While the
   * backend is away it keeps trying in the background; it never rejects.
   */
  readonly listening: Promise<void>;
  /** Leaves the signal: this instance's handler is no longer called. */
  close(): void;
}

/** A takeover announcement, or a holder's answer to one. */
type TakeoverMessage =
  | { kind: 'takeover'; id: string; conversationId: string; from: string }
  | { kind: 'ended'; id: string; to: string };

function parseMessage(text: string): TakeoverMessage | undefined {
  try {
    const message = JSON.parse(text) as Partial<Record<string, unknown>>;
    if (typeof message.id !== 'string') return undefined;
    if (
      message.kind === 'takeover' &&
      typeof message.conversationId === 'string' &&
      typeof message.from === 'string'
    )
      return message as TakeoverMessage;
    if (message.kind === 'ended' && typeof message.to === 'string')
      return message as TakeoverMessage;
  } catch {
    // Not ours (another program on the channel): ignored.
  }
  return undefined;
}

/**
 * The instances of this process on one transport: every message the transport delivers goes to
 * each of them (a process normally runs one; tests run two on one shared state). `publish` sends a
 * message to every instance, this process's included.
 */
export class TakeoverHub {
  private readonly members = new Map<string, TakeoverHandler>();
  /** Announcements this process made and still waits on, by id. */
  private readonly waiting = new Map<string, { from: string; answered: () => void }>();
  private started: Promise<void> | undefined;

  constructor(
    private readonly publish: (message: string) => Promise<void>,
    /**
     * Starts delivering the transport's messages to {@link receive} (on the first join), resolving
     * once it does; it reconnects by itself after a drop.
     */
    private readonly listen: () => Promise<void>,
    /** A handler failed or an answer could not be sent (nothing waits on it to fail). */
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  /** Joins as a new instance whose `handler` answers the others' takeovers. */
  join(handler: TakeoverHandler): TakeoverChannel {
    const self = randomUUID();
    this.members.set(self, handler);
    this.started ??= this.listen().catch(this.onError);
    return {
      takeOver: (conversationId, waitMs) => this.announce(self, conversationId, waitMs),
      listening: this.started,
      close: () => {
        this.members.delete(self);
      },
    };
  }

  /** A message from the transport. */
  receive(text: string): void {
    const message = parseMessage(text);
    if (!message) return;
    if (message.kind === 'ended') {
      const waiter = this.waiting.get(message.id);
      if (waiter?.from === message.to) waiter.answered();
      return;
    }
    for (const [member, handler] of this.members) {
      if (member === message.from) continue;
      void this.answer(handler, message);
    }
  }

  private async answer(
    handler: TakeoverHandler,
    { id, conversationId, from }: Extract<TakeoverMessage, { kind: 'takeover' }>,
  ): Promise<void> {
    try {
      if (!(await handler(conversationId))) return;
      await this.publish(JSON.stringify({ kind: 'ended', id, to: from } satisfies TakeoverMessage));
    } catch (error) {
      this.onError(error);
    }
  }

  private async announce(
    from: string,
    conversationId: string,
    waitMs: number,
  ): Promise<TakeoverOutcome> {
    const id = randomUUID();
    let timer: NodeJS.Timeout | undefined;
    const outcome = new Promise<TakeoverOutcome>((resolve) => {
      this.waiting.set(id, { from, answered: () => resolve('ended') });
      timer = setTimeout(() => resolve('unanswered'), waitMs);
    });
    try {
      const message: TakeoverMessage = { kind: 'takeover', id, conversationId, from };
      // The answer may come before the publish returns (in process, or a fast holder).
      await Promise.race([this.publish(JSON.stringify(message)), outcome]);
      return await outcome;
    } finally {
      clearTimeout(timer);
      this.waiting.delete(id);
    }
  }
}
