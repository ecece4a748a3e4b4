/**
 * Resume tokens: a conversation whose connection dropped goes on where it stopped. The session
 * grant (relay) or the call's answer (WebRTC) carries a token for its conversation; a reconnecting
 * browser presents it, and the relay or the new call's sideband replays the stored conversation
 * into the new upstream session, so the model keeps its context (the transcript the user sees
 * never broke).
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Why a conversation ended, for the ends a reconnect may undo: the browser's or the upstream's
 * connection dropped, or the server went away (a drain hands over, a shutdown or a crash leaves
 * it). Ends by a limit (time, idle) or by the agent are final.
 */
export const resumableEndReasons: ReadonlySet<string> = new Set([
  'server_restart',
  'server_shutdown',
  'server_lost',
  'client_closed',
  'client_error',
  'client_too_slow',
  'upstream_closed',
  'upstream_unavailable',
  'storage_unavailable',
  // WebRTC: the upstream ended the call on its own (its peer went away: the page's network
  // dropped), or the server lost the GPT-Live call's sideband (and hung the call up).
  'call_ended',
  'sideband_lost',
]);

/** Settings key of the resume-token signing key (shared by every instance on the database). */
export const resumeKeySetting = 'resume_token_key';

/**
 * Signs and checks resume tokens (HMAC-SHA256, stateless). The key comes from the database, so
 * every instance (and the next process after a restart) accepts the tokens of the others.
 */
export class ResumeTokens {
  constructor(private readonly key: Buffer = randomBytes(32)) {}

  /** The token that lets a browser go on with `conversationId` of `agentId`. */
  issue(conversationId: string, agentId: string): string {
    return createHmac('sha256', this.key)
      .update(`resume\0${conversationId}\0${agentId}`)
      .digest('base64url');
  }

  /** True when `token` was issued for exactly this conversation and agent. */
  verify(token: string, conversationId: string, agentId: string): boolean {
    const expected = Buffer.from(this.issue(conversationId, agentId));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }
}
