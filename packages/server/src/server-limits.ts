/** The session limits of `createParleyServer`, and their defaults. */
import { takeoverWaitMs } from './sessions/conversation-takeover.js';

/** Limits on sessions; the defaults suit a public website. */
export interface ParleyLimits {
  /** Longest relayed conversation (an agent may set a shorter one). Default 30 minutes. */
  maxSessionMs?: number;
  /** Close a conversation after this long without speech, text or a response. Default 5 minutes. */
  idleTimeoutMs?: number;
  /** Concurrent conversations per client address. Default 3. */
  maxSessionsPerClient?: number;
  /** Lifetime of a relay ticket. Default 60 s. */
  ticketTtlMs?: number;
  /** `POST /api/sessions` calls per client address per minute. Default 30. */
  sessionRequestsPerMinute?: number;
  /** Lifetime of a direct-mode client secret. Default 600 s. */
  clientSecretTtlSeconds?: number;
  /** How long after its connection dropped a relayed conversation may be resumed. Default 5 minutes. */
  resumeWindowMs?: number;
  /**
   * GPT-Live client delegation: how long the server may take to answer one delegation before it
   * stops and tells the visitor it could not finish in time. Default 45 s.
   */
  liveDelegationDeadlineMs?: number;
  /**
   * How long a resume waits for the instance still holding its conversation (a half-open relayed
   * socket, a dropped WebRTC call on another instance) to end it and store its writes, before it
   * goes on regardless. Default 2 s.
   */
  takeoverWaitMs?: number;
}

/** The limits with every default applied. */
export function resolveLimits(limits: ParleyLimits | undefined): Required<ParleyLimits> {
  return {
    maxSessionMs: limits?.maxSessionMs ?? 30 * 60_000,
    idleTimeoutMs: limits?.idleTimeoutMs ?? 5 * 60_000,
    maxSessionsPerClient: limits?.maxSessionsPerClient ?? 3,
    ticketTtlMs: limits?.ticketTtlMs ?? 60_000,
    sessionRequestsPerMinute: limits?.sessionRequestsPerMinute ?? 30,
    clientSecretTtlSeconds: limits?.clientSecretTtlSeconds ?? 600,
    resumeWindowMs: limits?.resumeWindowMs ?? 5 * 60_000,
    liveDelegationDeadlineMs: limits?.liveDelegationDeadlineMs ?? 45_000,
    takeoverWaitMs: limits?.takeoverWaitMs ?? takeoverWaitMs,
  };
}
