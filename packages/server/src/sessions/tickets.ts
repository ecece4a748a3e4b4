/** Single-use, short-lived relay tickets (held in memory: a ticket is redeemed on this instance). */
import { randomBytes, randomUUID } from 'node:crypto';

/** What a ticket grants. */
export interface TicketGrant {
  agentId: string;
  /** A specific version (admin playground); undefined means the published one. */
  version?: number | undefined;
  clientId: string;
  expiresAt: number;
  /** The conversation the connection records into (chosen when the ticket is issued). */
  conversationId: string;
  /** True when that conversation exists and goes on: the relay replays it upstream. */
  resume: boolean;
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
    conversation: { id: string; resume: boolean } = { id: randomUUID(), resume: false },
  ): { ticket: string; expiresAt: number; conversationId: string } {
    this.prune();
    const ticket = randomBytes(24).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    this.tickets.set(ticket, {
      agentId,
      version,
      clientId,
      expiresAt,
      conversationId: conversation.id,
      resume: conversation.resume,
    });
    return { ticket, expiresAt, conversationId: conversation.id };
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
