/** Fixed-window limits per key (session requests, sign-ins), counted in the shared state. */
import type { SharedState } from '../coordination/shared-state.js';

/** Outcome of {@link RateLimiter.hit}. */
export interface RateLimitResult {
  allowed: boolean;
  /** Seconds until the window resets (for `Retry-After`). */
  retryAfterSeconds: number;
}

/**
 * Counts hits per key within a window. A hit is counted before the work it guards is done, in
 * one atomic step of the shared state, so concurrent requests (on one instance or several)
 * cannot get more than `limit` through.
 */
export class RateLimiter {
  constructor(
    private readonly shared: SharedState,
    /** Namespace of this limiter's keys in the shared state. */
    private readonly name: string,
    private readonly limit: number,
    private readonly windowMs: number,
    /** Restart the window on every refused hit: a client that keeps trying stays refused. */
    private readonly backoff = false,
  ) {}

  /** Counts one hit for `key` and says whether it is within the limit. */
  async hit(key: string): Promise<RateLimitResult> {
    const { count, resetInMs } = await this.shared.hit(
      `${this.name}:${key}`,
      this.windowMs,
      this.backoff ? this.limit : undefined,
    );
    return {
      allowed: count <= this.limit,
      retryAfterSeconds: Math.max(1, Math.ceil(resetInMs / 1000)),
    };
  }

  /** Forgets a key (after a successful sign-in). */
  reset(key: string): Promise<void> {
    return this.shared.reset(`${this.name}:${key}`);
  }
}
