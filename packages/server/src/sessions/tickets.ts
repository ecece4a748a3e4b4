/**
 * Single-use, short-lived relay tickets, kept in the shared state: a ticket issued by one
 * instance opens a socket on any other behind the same load balancer.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { SharedState } from '../coordination/shared-state.js';

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
  constructor(
    private readonly shared: SharedState,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** A new ticket for one connection within `ttlMs`. */
  async issue(
    agentId: string,
    clientId: string,
    version?: number,
    conversation: { id: string; resume: boolean } = { id: randomUUID(), resume: false },
  ): Promise<{ ticket: string; expiresAt: number; conversationId: string }> {
    const ticket = randomBytes(24).toString('base64url');
    const expiresAt = this.now() + this.ttlMs;
    const grant: TicketGrant = {
      agentId,
      version,
      clientId,
      expiresAt,
      conversationId: conversation.id,
      resume: conversation.resume,
    };
    await this.shared.putTicket(ticket, JSON.stringify(grant), this.ttlMs);
    return { ticket, expiresAt, conversationId: conversation.id };
  }

  /** Consumes a ticket: the grant the first time within its lifetime, undefined ever after. */
  async redeem(ticket: string): Promise<TicketGrant | undefined> {
    if (ticket.length === 0 || ticket.length > 100) return undefined;
    const grant = await this.shared.takeTicket(ticket);
    if (grant === undefined) return undefined;
    const parsed = JSON.parse(grant) as TicketGrant;
    return parsed.expiresAt > this.now() ? parsed : undefined;
  }
}
