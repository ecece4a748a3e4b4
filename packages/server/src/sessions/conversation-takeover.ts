/**
 * A resume takes its conversation over from whatever still holds it, on any instance: a relayed
 * session whose browser went away without a close (a half-open socket), or a WebRTC call whose
 * page dropped. Here the holder is ended at once and its writes awaited (`RelayServer.endLive`,
 * `WebRtcCalls.endLive`); on another instance, through the shared state's takeover signal, which
 * that instance answers the same way, end reason `client_closed` as for a holder here.
 *
 * The resume waits for the other instance's answer, which it sends once its holder's writes are
 * stored, so that the resumed session's writes come after the stale one's (and the stale one's
 * end cannot mark the reopened conversation ended). The wait is bounded by {@link takeoverWaitMs}:
 * past it (the other instance is slow, gone, or its signal backend is away) the resume goes on
 * and logs it; the stale session is then ended by its own timeouts, as before this signal. Only a
 * conversation still `active` once the holders here are ended is announced: one that ended
 * cleanly costs no wait. The first answer ends the wait: a conversation has one live holder,
 * except after a race (a stale relayed session on one instance and a dropped call on another),
 * where the second holder's writes may come after the resumed session's first ones.
 */
import type { SharedState } from '../coordination/shared-state.js';
import type { TakeoverChannel } from '../coordination/takeover-signal.js';
import type { Logger } from '../logger.js';
import type { Store } from '../storage/store.js';

/** The longest a resume waits for another instance to end its holder of the conversation. */
export const takeoverWaitMs = 2_000;

/** What {@link ConversationTakeover} needs. */
export interface ConversationTakeoverOptions {
  shared: SharedState;
  store: Store;
  log: Logger;
  /**
   * Ends this instance's live holders of a conversation (relayed session, WebRTC call) and awaits
   * their writes; true when it had one (or writes of one that just ended).
   */
  endHere: (conversationId: string) => Promise<boolean>;
  /** Default {@link takeoverWaitMs}. */
  waitMs?: number;
}

/** Ends a resumed conversation's stale holders, here and on the other instances. */
export class ConversationTakeover {
  private readonly channel: TakeoverChannel;
  private readonly waitMs: number;

  constructor(private readonly options: ConversationTakeoverOptions) {
    this.waitMs = options.waitMs ?? takeoverWaitMs;
    this.channel = options.shared.takeovers(async (conversationId) => {
      const held = await options.endHere(conversationId);
      if (held)
        options.log.info('ended a conversation another instance took over', { conversationId });
      return held;
    });
  }

  /** Resolves once this instance hears the others' takeovers, or after `boundMs` (then logged). */
  async listening(boundMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), boundMs);
    });
    const outcome = await Promise.race([this.channel.listening.then(() => 'listening'), late]);
    clearTimeout(timer);
    if (outcome === 'late')
      this.options.log.warn('not yet listening for conversation takeovers (it keeps trying)', {
        afterMs: boundMs,
      });
  }

  /**
   * Ends every live holder of `conversationId` before its resume: here, awaited with its writes;
   * elsewhere, announced and awaited for at most the wait bound. Never fails for the signal: a
   * failure to announce is logged and the resume goes on.
   */
  async takeOver(conversationId: string): Promise<void> {
    const { store, log } = this.options;
    await this.options.endHere(conversationId);
    let status: string | undefined;
    try {
      status = (await store.conversations.get(conversationId))?.status;
    } catch (error) {
      // The resume reads the conversation next and reports the database being away itself.
      log.warn('could not read a conversation before taking it over', { conversationId, error });
      return;
    }
    if (status !== 'active') return;
    const started = Date.now();
    try {
      const outcome = await this.channel.takeOver(conversationId, this.waitMs);
      if (outcome === 'ended')
        log.info('took a conversation over from another instance', {
          conversationId,
          waitedMs: Date.now() - started,
        });
      else
        log.warn('no instance answered a conversation takeover in time; resuming anyway', {
          conversationId,
          waitedMs: Date.now() - started,
        });
    } catch (error) {
      log.warn('could not announce a conversation takeover; resuming anyway', {
        conversationId,
        error,
      });
    }
  }

  /** Leaves the signal (the server is closing). */
  close(): void {
    this.channel.close();
  }
}
