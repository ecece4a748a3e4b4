/** Single-use, short-lived relay tickets (held in memory: a ticket is redeemed on this instance). */
import { randomBytes } from 'node:crypto';

/** What a ticket grants. */
export interface TicketGrant {
  agentId: string;
  /** A specific version (admin playground); undefined means the published one. */
  version?: number | undefined;
  clientId: string;
  expiresAt: number;
}

/** Issues and redeems tickets. */
export class TicketStore {
  private readonly tickets = new Map<string, TicketGrant>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new ticket for one connection within `ttlMs`. */
  issue(
    agentId: string,
    clientId: string,
    version?: number,
  ): { ticket: string; expiresAt: number } {
    this.prune();
    const ticket = randomBytes(24).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.tickets.set(ticket, { agentId, version, clientId, expiresAt });
    return { ticket, expiresAt };
  }

  /** Consumes a ticket: the grant the first time within its lifetime, undefined ever after. */
  redeem(ticket: string): TicketGrant | undefined {
    const grant = this.tickets.get(ticket);
    if (!grant) return undefined;
    this.tickets.delete(ticket);
    return grant.expiresAt > this.now() ? grant : undefined;
  }

  private prune(): void {
    if (this.tickets.size < 1000) return;
    const now = this.now();
    for (const [ticket, grant] of this.tickets)
      if (grant.expiresAt <= now) this.tickets.delete(ticket);
  }
}
